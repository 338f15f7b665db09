# Applying again never compounds silently: the same recipe (by any name) is a no-op that says
# so; another recipe re-bases on the originals (basin-b then l25l26 equals l25l26 alone);
# --stack compounds exactly, and restore still returns the pristine file.
source "$E2E_LIB"
need_cmd perl

fixture pristine.gguf
pristine=$(digest pristine.gguf)

# reference: l25l26 alone on a fresh copy
cp pristine.gguf ref.gguf
f32p apply ref.gguf --recipe l25l26 -q
expect_status 0
ref=$(digest ref.gguf)

# the same recipe twice: the second run writes nothing
cp pristine.gguf m.gguf
f32p apply m.gguf --recipe l25l26
expect_status 0
expect_digest m.gguf "$ref" "l25l26 once"
journal=$(digest m.gguf.backup)
journal_mtime=$(stat -c %Y.%y m.gguf.backup)
f32p apply m.gguf --recipe l25l26
expect_status 0
expect_no_err
expect_out "m.gguf: l25l26 (built-in) is already applied; nothing to do"
expect_digest m.gguf "$ref" "model after applying l25l26 twice"
expect_digest m.gguf.backup "$journal" "journal after applying l25l26 twice"
expect_eq "$(stat -c %Y.%y m.gguf.backup)" "$journal_mtime" "journal mtime after a no-op"
f32p apply m.gguf --recipe l25l26 --json
expect_status 0
expect_jq '.action' unchanged
expect_jq '.wrote' false

# the same multipliers given on the command line are the same recipe
f32p apply m.gguf --layers 25,26 --scale 1.5
expect_status 0
expect_out "is already applied (applied as l25l26); nothing to do"
expect_digest m.gguf "$ref" "model after --layers 25,26 --scale 1.5 on l25l26"
expect_digest m.gguf.backup "$journal" "journal after --layers 25,26 --scale 1.5 on l25l26"
f32p apply m.gguf --set 25-26=1.5
expect_status 0
expect_out "nothing to do"
expect_digest m.gguf "$ref" "model after --set 25-26=1.5 on l25l26"
f32p status m.gguf
expect_status 10
expect_out "patched: l25l26 (2 tensors)"

# basin-b, then l25l26: re-based on the originals, basin-b's other layers put back
cp pristine.gguf b.gguf
f32p apply b.gguf --recipe basin-b -q
expect_status 0
f32p status b.gguf
expect_status 10
expect_out "patched: basin-b (11 tensors)"
f32p apply b.gguf --recipe l25l26
expect_status 0
expect_out "b.gguf: applied l25l26 (built-in), replacing basin-b (re-based on the original values)"
for layer in 5 18 19 20 21 27 28 30 31; do
  expect_out_re "^ +$layer  blk\.$layer\.layer_output_scale\.weight +[0-9]+  .* undo  "
done
undo_rows=$(grep -cE ' undo  ' out)
expect_eq "$undo_rows" 9 "undo rows when l25l26 replaces basin-b"
expect_out_re "^ +25  blk\.25\.layer_output_scale\.weight .* 1\.5  "
expect_digest b.gguf "$ref" "basin-b then l25l26 equals l25l26 alone"
f32p status b.gguf --json
expect_status 10
expect_jq '.recipes | join(",")' l25l26
# the layers put back hold their original bytes again: the new journal does not carry them
expect_jq '[.targets[] | select(.state == "patched")] | length' 2
expect_jq '[.targets[].layer] | join(",")' 25,26
f32p restore b.gguf -q
expect_status 0
expect_digest b.gguf "$pristine" "restore after basin-b then l25l26"
expect_no_file b.gguf.backup

# and the JSON of a replace says what it replaced
cp pristine.gguf bj.gguf
f32p apply bj.gguf --recipe basin-b -q
f32p apply bj.gguf --recipe l25l26 --json
expect_status 0
expect_jq '.action' replace
expect_jq '.replaced' basin-b
expect_jq '[.targets[] | select(.in_recipe == false)] | length' 9
expect_jq '[.targets[] | select(.in_recipe == false and .new_bits != .original_bits)] | length' 0

# --stack: l25l26 twice is float(float(v * 1.5) * 1.5), with every product in double
cp pristine.gguf s.gguf
o25=$(layer_bits s.gguf 25)
o26=$(layer_bits s.gguf 26)
f32p apply s.gguf --recipe l25l26 -q
expect_status 0
f32p apply s.gguf --recipe l25l26 --stack
expect_status 0
expect_out "s.gguf: stacked l25l26 (built-in) on top of what is there (--stack)"
# perl: numbers are doubles; pack "f" rounds a double to the nearest float
stacked() {
  perl -e 'my $v = unpack("f<", pack("L<", hex($ARGV[0])));
           my $once = unpack("f<", pack("f<", $v * 1.5));
           printf("0x%08x\n", unpack("L<", pack("f<", $once * 1.5)));' "$1"
}
expect_eq "$(layer_bits s.gguf 25)" "$(stacked "$o25")" "layer 25 bits after l25l26 --stack on l25l26"
expect_eq "$(layer_bits s.gguf 26)" "$(stacked "$o26")" "layer 26 bits after l25l26 --stack on l25l26"
f32p status s.gguf --json
expect_status 10
expect_jq '.recipes | join(" + ")' "l25l26 + l25l26"
expect_jq '.targets[] | select(.layer == 25) | .multiplier' 2.25
# a stacked file is not "the same recipe": applying l25l26 again re-bases to l25l26 alone
cp s.gguf s2.gguf
cp s.gguf.backup s2.gguf.backup
f32p apply s2.gguf --recipe l25l26
expect_status 0
expect_out "replacing l25l26 + l25l26"
expect_digest s2.gguf "$ref" "l25l26 on a stacked l25l26 + l25l26"
# restore after stacking: the pristine bytes
f32p restore s.gguf
expect_status 0
expect_digest s.gguf "$pristine" "restore after --stack"
expect_no_file s.gguf.backup

# --stack on a pristine file is a plain apply, and --stack of another recipe keeps both
cp pristine.gguf t.gguf
f32p apply t.gguf --recipe basin-b --stack -q
expect_status 0
f32p apply t.gguf --layers 5 --scale 2 --stack -q
expect_status 0
f32p status t.gguf --json
expect_status 10
expect_jq '.recipes | length' 2
expect_jq '.targets[] | select(.layer == 5) | .multiplier' 2.88
f32p restore t.gguf -q
expect_status 0
expect_digest t.gguf "$pristine" "restore after basin-b + stacked layer 5"
