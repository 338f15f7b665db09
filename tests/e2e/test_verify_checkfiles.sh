# f32patch verify -c reads what md5sum, sha256sum and xxhsum write (untagged, --tag, escaped
# names, the binary marker), from a file or standard input, and behaves like md5sum -c:
# FILE: OK / FILE: FAILED / FILE: FAILED open or read, --quiet, --status, --strict, --warn,
# --ignore-missing. Exit 1 on a mismatch, 3 for a check file without valid lines (or a
# malformed line under --strict), 4 when a listed file cannot be read.
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

head -c 5000 /dev/urandom > a.gguf
head -c 1 /dev/urandom > b.gguf
: > empty.gguf
cp a.gguf "$(printf 'odd\nname.gguf')"
cp b.gguf 'odd\back.gguf'

md5sum a.gguf b.gguf empty.gguf "$(printf 'odd\nname.gguf')" 'odd\back.gguf' > MD5SUMS
sha256sum --tag a.gguf b.gguf "$(printf 'odd\nname.gguf')" > SHA256SUMS
md5sum -b a.gguf > binary.md5
xxhsum -H2 a.gguf b.gguf > sums.xxh128
xxhsum -H1 a.gguf b.gguf > sums.xxh64
xxhsum -H2 --tag a.gguf b.gguf > tagged.xxh
xxhsum -H1 --tag a.gguf > tagged64.xxh

# Same stdout as md5sum -c for every check file the standard tools wrote
for pair in "MD5SUMS md5sum" "SHA256SUMS sha256sum" "binary.md5 md5sum"; do
  set -- $pair
  f32p verify -c "$1"
  expect_status 0
  expect_no_err
  expect_eq "$(cat out)" "$($2 -c "$1")" "verify -c $1 prints what $2 -c prints"
done
f32p verify -c MD5SUMS
expect_out '\odd\nname.gguf: OK'
expect_out 'odd\back.gguf: OK'
f32p verify -c sums.xxh64
expect_status 0
expect_eq "$(cat out)" "$(xxhsum -c sums.xxh64 2>/dev/null)" "verify -c sums.xxh64"
f32p verify -c tagged.xxh -c tagged64.xxh
expect_status 0
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\nb.gguf: OK\na.gguf: OK')" "verify -c on xxhsum --tag files"

# xxhsum -H2's untagged 32-digit lines: MD5 unless the name ends in .xxh128 or --algo says so
f32p verify -c sums.xxh128
expect_status 0
cp sums.xxh128 sums.txt
f32p verify -c sums.txt
expect_status 1
expect_out "a.gguf: FAILED"
expect_err "f32patch: warning: sums.txt: 2 computed checksums did NOT match"
f32p verify -c sums.txt --algo xxh128
expect_status 0
f32p verify -c sums.txt --algo crc32
expect_status 2

# standard input: f32patch hash | f32patch verify -c -, and a pipe from md5sum
LAST_CMD="hash | verify -c -"
"$F32PATCH" hash --algo md5,sha256,xxh128,xxh64 a.gguf b.gguf | "$F32PATCH" verify -c - > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 8 "eight OK lines from a pipe"
LAST_CMD="md5sum | verify -c -"
md5sum a.gguf | "$F32PATCH" verify -c - > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "a.gguf: OK" "md5sum piped into verify -c -"
LAST_CMD="verify -c - (nothing valid)"
echo "not a checksum" | "$F32PATCH" verify -c - > out 2> err; STATUS=$?
expect_status 3
expect_err "f32patch: error: standard input: no properly formatted checksum lines found"

# a mismatch: FAILED, a summary warning, exit 1; --quiet keeps FAILED, --status prints nothing
cp MD5SUMS changed.md5
printf 'X' | dd of=b.gguf bs=1 seek=0 conv=notrunc status=none
f32p verify -c changed.md5
expect_status 1
expect_out "a.gguf: OK"
expect_out "b.gguf: FAILED"
expect_err "f32patch: warning: changed.md5: 1 computed checksum did NOT match"
expect_err_format
f32p verify -c changed.md5 --quiet
expect_status 1
expect_eq "$(cat out)" "b.gguf: FAILED" "--quiet prints only failures"
f32p verify -c changed.md5 --status
expect_status 1
expect_no_out
expect_no_err

# malformed lines: counted, warned about with --warn, fatal with --strict (exit 3)
{ md5sum a.gguf; echo "# a comment"; echo; echo "garbage line"; } > loose.md5
f32p verify -c loose.md5
expect_status 0
expect_out "a.gguf: OK"
expect_err "f32patch: warning: loose.md5: 1 line is improperly formatted"
f32p verify -c loose.md5 --warn
expect_status 0
expect_err "f32patch: warning: loose.md5: line 4: improperly formatted checksum line"
f32p verify -c loose.md5 --strict
expect_status 3
expect_out "a.gguf: OK"

# missing files: FAILED open or read and exit 4; --ignore-missing skips them
{ md5sum a.gguf; echo "0123456789abcdef0123456789abcdef  gone.gguf"; } > partial.md5
f32p verify -c partial.md5
expect_status 4
expect_out "a.gguf: OK"
expect_out "gone.gguf: FAILED open or read"
expect_err "f32patch: error: gone.gguf: cannot open for reading (No such file or directory)"
expect_err "f32patch: warning: partial.md5: 1 listed file could not be read"
f32p verify -c partial.md5 --ignore-missing
expect_status 0
expect_eq "$(cat out)" "a.gguf: OK" "--ignore-missing"
echo "0123456789abcdef0123456789abcdef  gone.gguf" > allgone.md5
f32p verify -c allgone.md5 --ignore-missing
expect_status 1
expect_err "f32patch: error: allgone.md5: no file was verified"
f32p verify -c missing.md5
expect_status 4
expect_err "f32patch: error: missing.md5: cannot open for reading (No such file or directory)"

# one read per file whatever the number of lines naming it: a mismatch and an OK for one file
{ md5sum a.gguf; echo "SHA256 (a.gguf) = $(printf '%064d' 0)"; } > twice
f32p verify -c twice
expect_status 1
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\na.gguf: FAILED')" "two lines for one file"
