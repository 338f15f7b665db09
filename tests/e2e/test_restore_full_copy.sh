# Compatibility with the published script, which backs up with a full copy (cp m.gguf
# m.gguf.backup) and then rewrites the L25/L26 floats: restore accepts the copy, writes back only
# the byte ranges that differ, checks the result equals the copy and keeps the copy.
# apply --backup-mode full makes such a copy itself. A full copy of another file is refused.
source "$E2E_LIB"
need_cmd perl

fixture pristine.gguf
pristine=$(digest pristine.gguf)
size=$(stat -c %s pristine.gguf)
off25=$("$F32PATCH" inspect pristine.gguf --json | jq -r '.layers[25].offset')
off26=$("$F32PATCH" inspect pristine.gguf --json | jq -r '.layers[26].offset')
cp pristine.gguf ref.gguf
f32p apply ref.gguf --recipe l25l26 -q
ref_l25l26=$(digest ref.gguf)

# script_patch FILE OFFSET...: what apply_l25l26.py does to each float: x1.5 in double, then
# struct.pack('<f'), written in place.
script_patch() {
  local file=$1 off
  shift
  for off in "$@"; do
    perl -e 'open(my $f, "+<:raw", $ARGV[0]) or die $!; sysseek($f, $ARGV[1], 0);
             sysread($f, my $x, 4) == 4 or die; my $v = unpack("f<", $x) * 1.5;
             sysseek($f, $ARGV[1], 0); syswrite($f, pack("f<", $v)) == 4 or die;' "$file" "$off"
  done
}

cp pristine.gguf m.gguf
cp m.gguf m.gguf.backup
script_patch m.gguf "$off25" "$off26"
expect_digest m.gguf "$ref_l25l26" "the script's result equals f32patch's l25l26"
f32p status m.gguf
expect_status 10
expect_out "m.gguf: patched by another tool: 2 F32 tensors differ from the full copy m.gguf.backup"
expect_out "blk.25.layer_output_scale.weight  differs"
f32p restore m.gguf --dry-run
expect_status 0
expect_out "would restore 2 byte ranges"
expect_digest m.gguf "$ref_l25l26" "model after restore --dry-run"
f32p restore m.gguf
expect_status 0
expect_no_err
expect_out "m.gguf: restored 2 byte ranges from m.gguf.backup (compared $size bytes)"
# only the two small ranges inside the two floats
expect_out_re "^blk\.25\.layer_output_scale\.weight +($off25|$((off25 + 1))|$((off25 + 2))|$((off25 + 3))) +[1-4] +different"
expect_out_re "^blk\.26\.layer_output_scale\.weight +($off26|$((off26 + 1))|$((off26 + 2))|$((off26 + 3))) +[1-4] +different"
check; [ "$(grep -c " different$" out)" -eq 2 ] || fail "restore from the full copy should list exactly two ranges"
expect_out "note: the full copy m.gguf.backup is kept"
expect_digest m.gguf "$pristine" "model after restore from the full copy"
expect_digest m.gguf.backup "$pristine" "the full copy, kept"
f32p status m.gguf
expect_status 0
f32p restore m.gguf
expect_status 0
expect_out "nothing to restore"

# a copy that differs in a few places, F32 or not: each range written back, nothing else
script_patch m.gguf "$off25"
q3=$("$F32PATCH" inspect m.gguf --json --tensors | jq -r '.tensors[] | select(.name == "blk.3.attn_q.weight") | .offset')
printf 'XYZ' | dd of=m.gguf bs=1 seek=$((q3 + 100)) conv=notrunc status=none
printf '\xff' | dd of=m.gguf bs=1 seek=$((size - 1)) conv=notrunc status=none
f32p restore m.gguf --json
expect_status 0
expect_jq '.backup_kind' full-copy
expect_jq '.compared_bytes' "$size"
expect_jq '.written | length' 3
expect_jq '[.written[] | .bytes] | add <= 8' true
expect_jq '.written[] | select(.what == "blk.3.attn_q.weight") | "\(.offset) \(.bytes)"' "$((q3 + 100)) 3"
expect_jq '.journal_removed' false
expect_digest m.gguf "$pristine" "model after restoring three scattered ranges"
expect_file m.gguf.backup

# applying over the script's patch: the full copy supplies the originals
script_patch m.gguf "$off25" "$off26"
f32p apply m.gguf --recipe l25l26
expect_status 0
expect_out "replacing the changes of another tool"
expect_out "backup: m.gguf.backup.journal ("
expect_digest m.gguf "$ref_l25l26" "l25l26 over the script's identical patch"
expect_digest m.gguf.backup "$pristine" "the full copy after apply"
f32p status m.gguf
expect_status 10
expect_out "patched: l25l26"
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$pristine" "restore after apply over the script's patch"
expect_no_file m.gguf.backup.journal
expect_file m.gguf.backup
# another recipe over the script's patch re-bases on the copy: the script's layers go back
script_patch m.gguf "$off25" "$off26"
cp pristine.gguf ref5.gguf
f32p apply ref5.gguf --layers 5 --scale 2 -q
f32p apply m.gguf --layers 5 --scale 2
expect_status 0
expect_out "replacing the changes of another tool (re-based on the original values)"
expect_digest m.gguf "$(digest ref5.gguf)" "--layers 5 --scale 2 over the script's L25/L26 patch equals it on the pristine file"
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$pristine" "restore after re-basing on the full copy"
rm -f m.gguf.backup m.gguf.backup.journal

# --backup-mode full: a full copy plus PATH.journal; restore from it
f32p apply m.gguf --recipe basin-b --backup-mode full
expect_status 0
expect_out "backup: m.gguf.backup.journal ("
expect_out "full copy written beside it"
expect_digest m.gguf.backup "$pristine" "full copy written by --backup-mode full"
check; jq -e '.format == "f32patch-journal"' m.gguf.backup.journal >/dev/null || fail "m.gguf.backup.journal is not a journal"
f32p status m.gguf
expect_status 10
expect_out "patched: basin-b (11 tensors)"
f32p apply m.gguf --recipe basin-b
expect_status 0
expect_out "nothing to do"
f32p restore m.gguf
expect_status 0
expect_out "restored 11 byte ranges from m.gguf.backup"
expect_digest m.gguf "$pristine" "restore after --backup-mode full"
expect_file m.gguf.backup
expect_no_file m.gguf.backup.journal
rm -f m.gguf.backup

# a journal beside a missing full copy: refused, not guessed at
f32p apply m.gguf --recipe l25l26 --backup-mode full -q
expect_status 0
mv m.gguf.backup elsewhere.gguf
f32p status m.gguf
expect_status 5
expect_err "the full copy is missing but its journal m.gguf.backup.journal exists"
f32p restore m.gguf
expect_status 5
mv elsewhere.gguf m.gguf.backup
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$pristine" "restore once the full copy is back"
rm -f m.gguf.backup

# a full copy of another file: status 13, restore and apply refuse
fixture other.gguf --seed 3
cp other.gguf m.gguf.backup
script_patch m.gguf "$off25"
before=$(digest m.gguf)
f32p status m.gguf
expect_status 13
expect_out "m.gguf: the full copy m.gguf.backup has another size or header"
f32p restore m.gguf
expect_status 5
expect_err "f32patch: error: m.gguf: the full copy m.gguf.backup has "
expect_err "f32patch will not copy it over"
f32p apply m.gguf --recipe l25l26
expect_status 5
expect_digest m.gguf "$before" "model after refusing another file's full copy"
expect_no_file m.gguf.backup.journal
# same size, another header
fixture other7.gguf --seed 7
cp other7.gguf m.gguf.backup
f32p restore m.gguf
expect_status 5
expect_err "has another header"
expect_digest m.gguf "$before" "model after refusing a same-size full copy of another file"
