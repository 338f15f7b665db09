# md5sum -c, sha256sum -c and xxhsum -c accept what f32patch hash prints: untagged and --tag,
# mixed-algorithm tagged files, names that need escaping (coreutils-escaped for md5sum and
# sha256sum, as they are for xxhsum), XXH3-64 as xxhsum -H3 prints it. Bad input gets the
# documented exit statuses, errors name files as md5sum quotes them, and stdout carries nothing
# but check lines.
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

# xxhsum 0.8.1 knows no escaping: xxHash lines carry a backslash as it is, as xxhsum prints it,
# in both forms, so xxhsum -c accepts them (md5/sha256 lines above stay escaped for md5sum -c)
xfiles=(a.bin 'with space.bin' 'back\slash.bin')
f32p hash --algo xxh128 "${xfiles[@]}"
cp out sums.xxh128
expect_eq "$(cat sums.xxh128)" "$(xxhsum -H2 "${xfiles[@]}")" "xxhsum -H2 lines"
LAST_CMD="xxhsum -c sums.xxh128"; xxhsum -c --strict sums.xxh128 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 3 "xxhsum -c OK lines"
expect_out 'back\slash.bin: OK'
for form in "xxh64 -H1" "xxh128 -H2" "xxh3 -H3"; do
  set -- $form
  f32p hash --algo "$1" --tag "${xfiles[@]}"
  cp out "tagged.$1"
  expect_eq "$(cat "tagged.$1")" "$(xxhsum "$2" --tag "${xfiles[@]}")" "xxhsum $2 --tag lines"
  LAST_CMD="xxhsum -c tagged.$1"; xxhsum -c --strict "tagged.$1" > out 2> err; STATUS=$?
  expect_status 0
  expect_eq "$(grep -c ': OK$' out)" 3 "xxhsum -c on $1 tags"
done
# xxh3 is XXH3-64, printed exactly as xxhsum 0.8.1 -H3 prints it (always the BSD form)
f32p hash --algo xxh3 "${xfiles[@]}"
expect_status 0
expect_eq "$(cat out)" "$(xxhsum -H3 "${xfiles[@]}")" "xxhsum -H3 lines"
expect_out "XXH3 (a.bin) = "
cp out plain.xxh3
LAST_CMD="xxhsum -c plain.xxh3"; xxhsum -c --strict plain.xxh3 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 3 "xxhsum -c on hash --algo xxh3"
# and the other way round: what xxhsum writes for these names, f32patch verify reads
for h in -H1 -H2 -H3; do
  xxhsum "$h" "${xfiles[@]}" > "by-xxhsum$h"
  xxhsum "$h" --tag "${xfiles[@]}" > "by-xxhsum$h.tag"
  for f in "by-xxhsum$h" "by-xxhsum$h.tag"; do
    f32p verify -c "$f"
    expect_status 0
    expect_eq "$(cat out)" "$(printf 'a.bin: OK\nwith space.bin: OK\nback\\slash.bin: OK')" "verify -c $f"
  done
done
# a newline or carriage return cannot be said to xxhsum at all: such names stay escaped, and
# f32patch reads them back
f32p hash --algo xxh128 "$(printf 'new\nline.bin')" "$(printf 'carriage\rreturn.bin')"
expect_eq "$(head -c 1 out)" '\' "an escaped xxh128 line for a newline"
cp out escaped.xxh128
f32p verify -c escaped.xxh128
expect_status 0

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
# no FILE: standard input, named '-', as md5sum does (run closes stdin: the empty input)
f32p hash
expect_status 0
expect_eq "$(cat out)" "$(md5sum < /dev/null)" "hash with no FILE"
f32p hash --per-tensor
expect_status 2
# several files, one missing: the others are still hashed, and the status is the most severe
f32p hash a.bin gone.bin 'with space.bin'
expect_status 4
expect_eq "$(cat out)" "$(md5sum a.bin 'with space.bin')" "lines for the files that exist"
expect_err "f32patch: error: gone.bin: cannot open for reading (No such file or directory)"
# names in diagnostics are quoted as md5sum quotes them
for name in 'no such.bin' "$(printf 'no\nsuch.bin')" "it's gone.bin" 'dollar$.bin' 'a:b.bin'; do
  f32p hash "$name"
  expect_status 4
  want=$(md5sum "$name" 2>&1 | sed -n 's/^md5sum: \(.*\): No such file or directory$/\1/p')
  expect_err "f32patch: error: $want: cannot open for reading"
done
# a write error on standard output is an I/O error, not silence
if [ -w /dev/full ]; then
  LAST_CMD="hash a.bin > /dev/full"
  "$F32PATCH" hash a.bin > /dev/full 2> err; STATUS=$?
  expect_status 4
  expect_err "f32patch: error: standard output: cannot write"
fi
f32p hash --per-tensor a.bin
expect_status 3
expect_err "f32patch: error: a.bin: "
f32p hash --help
expect_status 0
expect_out "--per-tensor"
expect_out "Exit status:"
