# apply -> restore on the full-size, sparse Gemma-4-31B-shaped file (7.7 GB apparent): the
# whole file's md5 comes back, the journal stays small, the file stays sparse (no multi-GB
# copy or rewrite), and apply and restore are fast.
source "$E2E_LIB"

fixture g31.gguf --shape 31b
# The fixture is deterministic: hash a second, untouched copy in the background while the
# first one is patched and restored (each md5 of 7.7 GB takes tens of seconds).
fixture ref.gguf --shape 31b
md5sum ref.gguf | cut -d' ' -f1 > ref.md5 &
hash_pid=$!
trap 'kill $hash_pid 2>/dev/null; wait $hash_pid 2>/dev/null; e2e_finish' EXIT
disk_before=$(du -k g31.gguf | cut -f1)

old25=$(layer_bits g31.gguf 25)
start=$(date +%s%N)
f32p apply g31.gguf --recipe basin-b
expect_status 0
expect_no_err
expect_out "g31.gguf: applied basin-b (built-in)"
apply_ms=$((($(date +%s%N) - start) / 1000000))
size=$(stat -c %s g31.gguf.backup)
echo "31b: apply took ${apply_ms} ms, journal $size bytes"
check; [ "$size" -lt 65536 ] || fail "journal is $size bytes, expected < 64 KiB"
check; [ "$apply_ms" -lt 20000 ] || fail "apply on the sparse 31b file took $apply_ms ms"
check; [ "$(layer_bits g31.gguf 25)" != "$old25" ] || fail "layer 25 unchanged after apply"

f32p status g31.gguf
expect_status 10
expect_out "g31.gguf: patched: basin-b (11 tensors)"

start=$(date +%s%N)
f32p restore g31.gguf
expect_status 0
expect_out "g31.gguf: restored 11 tensors from g31.gguf.backup"
restore_ms=$((($(date +%s%N) - start) / 1000000))
echo "31b: restore took ${restore_ms} ms"
check; [ "$restore_ms" -lt 20000 ] || fail "restore on the sparse 31b file took $restore_ms ms"
expect_no_file g31.gguf.backup
f32p status g31.gguf
expect_status 0
expect_eq "$(layer_bits g31.gguf 25)" "$old25" "layer 25 bits after restore"

disk_after=$(du -k g31.gguf | cut -f1)
echo "31b: disk usage ${disk_before} KiB before, ${disk_after} KiB after"
check; [ "$disk_after" -lt $((disk_before + 1024)) ] || fail "the file grew on disk from $disk_before to $disk_after KiB"

after=$(md5sum g31.gguf | cut -d' ' -f1)
wait $hash_pid
expect_eq "$after" "$(cat ref.md5)" "md5 of the whole 31b file after apply and restore"
