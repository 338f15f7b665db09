# The digests of a file with bytes substituted, computed in the same single read as the file's
# own digests (what apply --verify uses), equal the digests of a copy patched with dd, as
# md5sum, sha256sum and xxhsum print them - at the start, across 1 MiB block boundaries and at
# the end of the file.
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

head -c $((3 * 1024 * 1024 + 5)) /dev/urandom > base.bin
cp base.bin patched.bin
patch_at() { printf "$2" | dd of=patched.bin bs=1 seek="$1" conv=notrunc status=none; }
patch_at 0 '\x01\x02'
patch_at $((1024 * 1024 - 2)) '\x00\x00\xc0\x3f'
patch_at $((2 * 1024 * 1024 + 100)) '\xff'
patch_at $((3 * 1024 * 1024 + 1)) '\xaa\xbb\xcc\xdd'

f32p hash --algo md5,sha256,xxh128,xxh64 base.bin \
  --substitute 0=0102 --substitute $((1024 * 1024 - 2))=0000c03f \
  --substitute $((2 * 1024 * 1024 + 100))=FF --substitute 0x300001=aabbccdd
expect_status 0
# the lines name the file that was read, so compare the digests
expect_eq "$(sed 's/.* = //' out)" \
  "$( (md5sum --tag patched.bin; sha256sum --tag patched.bin; xxhsum -H2 --tag patched.bin; xxhsum -H1 --tag patched.bin) | sed 's/.* = //')" \
  "substituted digests equal the dd-patched copy"
# the base file is untouched, and its own digests are unchanged
f32p hash base.bin
expect_eq "$(cat out)" "$(md5sum base.bin)" "the base file's own digest"

f32p hash base.bin --substitute $((3 * 1024 * 1024 + 3))=aabbccdd
expect_status 5
expect_err "substitution at offset 3145731 (4 bytes) lies past the end of the file (3145733 bytes)"
f32p hash base.bin --substitute 10=0102 --substitute 11=03
expect_status 2
expect_err "overlap"
f32p hash base.bin --substitute 10=123
expect_status 2
f32p hash base.bin --substitute ten=12
expect_status 2
