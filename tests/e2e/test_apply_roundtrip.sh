# apply -> restore returns the file byte for byte (md5 of the whole file), little-endian v3 and
# big-endian v2; the journal is small; `status` says pristine / patched / pristine through the
# cycle; `apply FILE --restore` is restore.
source "$E2E_LIB"

# roundtrip NAME RECIPE FIXTURE-ARGS...: apply, check, restore, check.
roundtrip() {
  local name=$1 recipe=$2
  shift 2
  fixture "$name" "$@"
  local before
  before=$(digest "$name")

  f32p status "$name"
  expect_status 0
  expect_out "$name: no backup journal"

  f32p apply "$name" --recipe "$recipe"
  expect_status 0
  expect_no_err
  expect_out "$name: applied $recipe (built-in)"
  expect_out "backup: $name.backup ("
  check; [ "$(digest "$name")" != "$before" ] || fail "$name: apply changed nothing"
  expect_file "$name.backup"
  local size
  size=$(stat -c %s "$name.backup")
  echo "journal of $recipe on $name: $size bytes"
  check; [ "$size" -lt 65536 ] || fail "$name: journal is $size bytes, expected < 64 KiB"
  expect_out "($size bytes)"
  check; jq -e '.format == "f32patch-journal"' "$name.backup" >/dev/null || fail "$name.backup is not a journal"

  f32p status "$name"
  expect_status 10
  expect_out "$name: patched: $recipe ("
  f32p status "$name" --json
  expect_status 10
  expect_jq '.state' patched
  expect_jq '.exit_status' 10
  expect_jq '.recipes | join(",")' "$recipe"
  expect_jq '[.targets[] | select(.state != "patched")] | length' 0

  f32p restore "$name"
  expect_status 0
  expect_no_err
  expect_out_re "^$name: restored [0-9]+ tensors from $name.backup"
  expect_out "journal $name.backup removed"
  expect_digest "$name" "$before" "$name after restore"
  expect_no_file "$name.backup"

  f32p status "$name"
  expect_status 0
  f32p restore "$name"
  expect_status 0
  expect_out "nothing to restore"
  expect_digest "$name" "$before" "$name after a second restore"
}

roundtrip le.gguf l25l26 --shape small
roundtrip le-basin.gguf basin-b --shape small --seed 5
roundtrip be2.gguf l25l26 --shape small --big-endian --gguf-version 2
roundtrip be2-basin.gguf basin-b --shape small --big-endian --gguf-version 2 --seed 9

# big-endian: the journal says so, and the new value is the product in the file's byte order
fixture be.gguf --big-endian --gguf-version 2
old=$(layer_bits be.gguf 25)
f32p apply be.gguf --layers 25 --scale 2
expect_status 0
new=$(layer_bits be.gguf 25)
# x2 adds one to the exponent: bits + 0x00800000 for a normal value
expect_eq "$new" "$(printf '0x%08x' $((old + 0x00800000)))" "big-endian layer 25 bits after x2"
check; [ "$(jq -r '.model.byte_order' be.gguf.backup)" = big ] || fail "journal of a big-endian file does not say big"

# apply FILE --restore is restore
fixture r.gguf
before=$(digest r.gguf)
f32p apply r.gguf --set 25=1.5,26=0.5
expect_status 0
f32p status r.gguf
expect_status 10
f32p apply r.gguf --restore
expect_status 0
expect_out "journal r.gguf.backup removed"
expect_digest r.gguf "$before" "after apply --restore"
expect_no_file r.gguf.backup
f32p apply r.gguf --restore
expect_status 0
expect_out "nothing to restore"

# several files at once: apply, status, restore
fixture m1.gguf --seed 2
fixture m2.gguf --seed 3
d1=$(digest m1.gguf)
d2=$(digest m2.gguf)
f32p apply m1.gguf m2.gguf --recipe l25l26 -q
expect_status 0
expect_no_out
f32p status m1.gguf m2.gguf
expect_status 10
check; [ "$(grep -c ': patched: l25l26' out)" -eq 2 ] || fail "status of two files: expected two patched lines"
f32p restore m1.gguf m2.gguf -q
expect_status 0
expect_no_out
expect_digest m1.gguf "$d1" "m1 after restore"
expect_digest m2.gguf "$d2" "m2 after restore"
