# md5sum -c, sha256sum -c and xxhsum -c accept what f32patch hash prints: untagged and --tag,
# mixed-algorithm tagged files, and names that need escaping. Bad input gets the documented
# exit statuses, and stdout carries nothing but check lines.
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

head -c 1000 /dev/urandom > a.bin
head -c 70000 /dev/urandom > 'with space.bin'
cp a.bin "$(printf 'new\nline.bin')"
cp a.bin 'back\slash.bin'
cp a.bin "$(printf 'carriage\rreturn.bin')"
files=(a.bin 'with space.bin' "$(printf 'new\nline.bin')" 'back\slash.bin' "$(printf 'carriage\rreturn.bin')")

# checks CHECKER over FILE: status 0, no warnings, one OK per file
accepted() {
  local what=$1; shift
  LAST_CMD="$*"
  "$@" > out 2> err; STATUS=$?
  expect_status 0
  check; [ "$(grep -c ': OK$' out)" -ge 3 ] || fail "$what: expected OK lines"
  check; ! grep -q FAILED out || fail "$what: FAILED"
}

f32p hash "${files[@]}"
expect_status 0
expect_no_err
cp out sums.md5
expect_eq "$(cat sums.md5)" "$(md5sum "${files[@]}")" "md5sum's own lines, escapes included"
accepted "md5sum -c" md5sum -c --strict sums.md5

f32p hash --algo sha256 --tag "${files[@]}"
cp out sums.sha256
expect_eq "$(cat sums.sha256)" "$(sha256sum --tag "${files[@]}")" "sha256sum --tag lines"
accepted "sha256sum -c --tag" sha256sum -c --strict sums.sha256

f32p hash --algo sha256 "${files[@]}"
cp out untagged.sha256
accepted "sha256sum -c" sha256sum -c --strict untagged.sha256

# xxhsum 0.8.1 knows no escaping, so the plain names only
f32p hash --algo xxh128 a.bin 'with space.bin'
cp out sums.xxh128
expect_eq "$(cat sums.xxh128)" "$(xxhsum -H2 a.bin 'with space.bin')" "xxhsum -H2 lines"
LAST_CMD="xxhsum -c sums.xxh128"; xxhsum -c --strict sums.xxh128 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 2 "xxhsum -c OK lines"
f32p hash --algo xxh64 --tag a.bin 'with space.bin'
cp out tagged.xxh64
LAST_CMD="xxhsum -c tagged.xxh64"; xxhsum -c --strict tagged.xxh64 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 2 "xxhsum -c on XXH64 tags"

# several algorithms: tagged lines, so each tool checks its own and f32patch checks all
f32p hash --algo md5,sha256,xxh128 a.bin
cp out mixed
expect_out "MD5 (a.bin) = "
expect_out "SHA256 (a.bin) = "
expect_out "XXH128 (a.bin) = "
for checker in md5sum sha256sum xxhsum; do
  LAST_CMD="$checker -c mixed"; $checker -c mixed > out 2> err; STATUS=$?
  expect_status 0
  # (xxhsum 0.8.1 prints its "improperly formatted" count on stdout)
  expect_eq "$(grep -v 'improperly formatted' out)" "a.bin: OK" "$checker -c on a mixed tagged file"
done
f32p verify -c mixed
expect_status 0
expect_eq "$(cat out)" "$(printf 'a.bin: OK\na.bin: OK\na.bin: OK')" "f32patch verify -c on a mixed file"

# a changed file fails in the standard tools too
printf 'X' | dd of=a.bin bs=1 seek=500 conv=notrunc status=none
LAST_CMD="md5sum -c sums.md5"; md5sum -c sums.md5 > out 2> err; STATUS=$?
expect_status 1
expect_out "a.bin: FAILED"

# exit statuses and messages of hash itself
f32p hash missing.bin
expect_status 4
expect_err "f32patch: error: missing.bin: cannot open for reading (No such file or directory)"
expect_no_out
mkdir adir
f32p hash adir a.bin
expect_status 4
expect_err "f32patch: error: adir: cannot read (Is a directory)"
expect_out "  a.bin"
f32p hash --algo crc32 a.bin
expect_status 2
expect_err "unknown digest algorithm 'crc32'"
expect_err_format
f32p hash
expect_status 2
f32p hash --per-tensor a.bin
expect_status 3
expect_err "f32patch: error: a.bin: "
f32p hash --help
expect_status 0
expect_out "--per-tensor"
expect_out "Exit status:"
