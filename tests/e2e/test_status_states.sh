# `status` has one exit status per state, in text and JSON: 0 pristine, 10 patched, 11
# partially patched, 12 modified since the journal, 13 journal of another file. It only reads.
source "$E2E_LIB"
need_cmd perl

fixture m.gguf
fixture other.gguf --seed 7
orig=$(digest m.gguf)
off25=$("$F32PATCH" inspect m.gguf --json | jq -r '.layers[25].offset')

# expect_state FILE EXIT STATE [ARGS]: text and JSON agree
expect_state() {
  local file=$1 code=$2 state=$3
  shift 3
  f32p status "$file" "$@"
  expect_status "$code"
  expect_out_re "^$file: "
  expect_err_format
  f32p status "$file" --json "$@"
  expect_status "$code"
  expect_jq '.state' "$state"
  expect_jq '.exit_status' "$code"
  expect_jq '.file' "$file"
}

expect_state m.gguf 0 pristine
expect_jq '.backup' null
expect_jq '.backup_kind' none
expect_jq '.hint' null

f32p apply m.gguf --recipe basin-b -q
patched=$(digest m.gguf)
journal=$(digest m.gguf.backup)
expect_state m.gguf 10 patched
expect_jq '.backup' m.gguf.backup
expect_jq '.backup_kind' journal
expect_jq '.recipes | join(",")' basin-b
expect_jq '.targets | length' 11
expect_jq '.targets[] | select(.layer == 25) | "\(.tensor) \(.offset) \(.multiplier) \(.state)"' \
  "blk.25.layer_output_scale.weight $off25 1.402 patched"
f32p status m.gguf
expect_out "m.gguf: patched: basin-b (11 tensors)"
expect_out_re "^  blk\.30\.layer_output_scale\.weight +[0-9]+ +x0\.548 +patched$"

# partially patched: one target back at its original bytes (as an interrupted apply leaves it)
cp m.gguf partial.gguf
cp m.gguf.backup partial.gguf.backup
perl -e 'print pack("H*", $ARGV[0])' "$(jq -r '.targets[] | select(.layer == 25) | .original' m.gguf.backup)" > orig25.bin
check; [ "$(stat -c %s orig25.bin)" -eq 4 ] || fail "could not extract the original bytes of layer 25 from the journal"
dd if=orig25.bin of=partial.gguf bs=1 seek="$off25" conv=notrunc status=none
expect_state partial.gguf 11 "partially patched"
expect_jq '[.targets[] | select(.state == "original")] | length' 1
expect_jq '.summary' "partially patched: 10 of 11 tensors of basin-b written (an interrupted apply or restore?)"
expect_jq '.hint | test("restore")' true

# modified: a target holds neither
cp m.gguf modified.gguf
cp m.gguf.backup modified.gguf.backup
printf '\x7f\x7f\x7f\x7f' | dd of=modified.gguf bs=1 seek="$off25" conv=notrunc status=none
expect_state modified.gguf 12 "modified since the journal"
expect_jq '[.targets[] | select(.state == "other") | .layer] | join(",")' 25

# foreign: the journal names another file
expect_state other.gguf 13 "journal belongs to another file" --backup m.gguf.backup

# status never writes
expect_digest m.gguf "$patched" "model after status"
expect_digest m.gguf.backup "$journal" "journal after status"
chmod 0444 m.gguf
expect_state m.gguf 10 patched
chmod 0644 m.gguf

# pristine again after restore, with no journal left
f32p restore m.gguf -q
expect_status 0
expect_state m.gguf 0 pristine
expect_digest m.gguf "$orig" "model after restore"

# usage and errors
f32p status
expect_status 2
f32p status m.gguf other.gguf --backup m.gguf.backup
expect_status 2
expect_err "--backup names one journal"
f32p status missing.gguf
expect_status 4
printf 'GGUF' > short.gguf
f32p status short.gguf
expect_status 3
