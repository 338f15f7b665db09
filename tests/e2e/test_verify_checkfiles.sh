# f32patch verify -c reads what md5sum, sha256sum and xxhsum write (untagged, --tag, escaped
# names, the binary marker, XXH3-64 lines, untagged 32-digit lines as MD5 or XXH3-128), from a
# file or standard input (-c - or a bare -c), and behaves like md5sum -c: FILE: OK / FILE: FAILED
# / FILE: FAILED open or read in line order, --quiet, --status, --strict, --warn,
# --ignore-missing, names shown and quoted as md5sum does. Exit 1 on a mismatch, 3 for a check
# file without valid lines (or a malformed line under --strict), 4 when a listed file cannot be
# read (md5sum exits 1 for all three).
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

head -c 5000 /dev/urandom > a.gguf
head -c 1 /dev/urandom > b.gguf
: > empty.gguf
cp a.gguf "$(printf 'odd\nname.gguf')"
cp b.gguf 'odd\back.gguf'
cp b.gguf "$(printf 'cr\rname.gguf')"

md5sum a.gguf b.gguf empty.gguf "$(printf 'odd\nname.gguf')" 'odd\back.gguf' "$(printf 'cr\rname.gguf')" > MD5SUMS
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
expect_out "$(printf 'cr\rname.gguf: OK')"  # raw, as md5sum 9.1 shows it
f32p verify -c sums.xxh64
expect_status 0
expect_eq "$(cat out)" "$(xxhsum -c sums.xxh64 2>/dev/null)" "verify -c sums.xxh64"
f32p verify -c tagged.xxh -c tagged64.xxh
expect_status 0
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\nb.gguf: OK\na.gguf: OK')" "verify -c on xxhsum --tag files"

# untagged 32-digit lines are MD5 or XXH3-128: unless the check file's name or --algo settles it,
# each file is hashed with both (one read) and a line matches when either digest does
f32p verify -c sums.xxh128
expect_status 0
cp sums.xxh128 sums.txt
f32p verify -c sums.txt
expect_status 0
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\nb.gguf: OK')" "xxhsum -H2 lines in a file of any name"
expect_no_err
f32p -v verify -c sums.txt
expect_err "f32patch: note: sums.txt: line 1: 'a.gguf' matches as its XXH3-128"
{ md5sum a.gguf; xxhsum -H2 b.gguf; } > both.txt
f32p verify -c both.txt
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 2 "an MD5 line and an XXH3-128 line in one file"
f32p verify -c sums.txt --algo xxh128
expect_status 0
f32p verify -c sums.txt --algo md5
expect_status 1
expect_out "a.gguf: FAILED"
expect_err "f32patch: warning: sums.txt: 2 computed checksums did NOT match"
check; ! grep -q "both were tried" err || fail "--algo settles the reading: nothing else was tried"
cp sums.xxh128 sums.md5
f32p verify -c sums.md5
expect_status 1
expect_out "a.gguf: FAILED"
f32p verify -c sums.txt --algo crc32
expect_status 2
# the failure of an open line says that both were tried, even with --quiet
echo "$(printf '%032d' 7)  a.gguf" > wrong.txt
f32p verify -c wrong.txt --quiet
expect_status 1
expect_out "a.gguf: FAILED"
expect_err "f32patch: note: wrong.txt: line 1: neither the MD5 nor the XXH3-128 of 'a.gguf' is 00000000000000000000000000000007; an untagged 32-digit line can be either, and both were tried"
f32p verify -c wrong.txt --status
expect_no_err
# xxhsum -H3 (XXH3-64) lines, 0.8.1's BSD form and 0.8.2's XXH3_ form
xxhsum -H3 a.gguf b.gguf > sums.xxh3
f32p verify -c sums.xxh3
expect_status 0
expect_eq "$(cat out)" "$(xxhsum -c sums.xxh3 2>/dev/null)" "verify -c on xxhsum -H3 lines"
sed 's/^XXH3 (\(.*\)) = \(.*\)$/XXH3_\2  \1/' sums.xxh3 > new-form.xxh3
f32p verify -c new-form.xxh3
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 2 "XXH3_<hex> lines"

# standard input: f32patch hash | f32patch verify -c -, and a pipe from md5sum
LAST_CMD="hash | verify -c -"
"$F32PATCH" hash --algo md5,sha256,xxh128,xxh64 a.gguf b.gguf | "$F32PATCH" verify -c - > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 8 "eight OK lines from a pipe"
LAST_CMD="md5sum | verify -c -"
md5sum a.gguf | "$F32PATCH" verify -c - > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "a.gguf: OK" "md5sum piped into verify -c -"
# a bare -c reads standard input, as md5sum -c does; and the xxh128 hash pipe passes
LAST_CMD="md5sum | verify -c"
md5sum a.gguf | "$F32PATCH" verify -c > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "a.gguf: OK" "md5sum piped into verify -c"
LAST_CMD="hash --algo xxh128 | verify -c"
"$F32PATCH" hash --algo xxh128 a.gguf b.gguf | "$F32PATCH" verify -c > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\nb.gguf: OK')" "hash --algo xxh128 | verify -c"
f32p verify -c MD5SUMS SHA256SUMS
expect_status 0
expect_eq "$(grep -c ': OK$' out)" 9 "-c with two check files"
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
# md5sum 9.1 says nothing of it with --status, and exits 1 all the same
f32p verify -c allgone.md5 --ignore-missing --status
expect_status 1
expect_no_out
expect_no_err
# one missing file among others: the others are checked, the status is the most severe
{ md5sum a.gguf; echo "0123456789abcdef0123456789abcdef  gone.gguf"; md5sum empty.gguf; } > middle.md5
f32p verify -c middle.md5
expect_status 4
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\ngone.gguf: FAILED open or read\nempty.gguf: OK')" "a missing file in the middle"
# names in diagnostics are quoted as md5sum quotes them
echo "0123456789abcdef0123456789abcdef  gone file.gguf" > spaced.md5
f32p verify -c spaced.md5
expect_status 4
expect_out "gone file.gguf: FAILED open or read"
expect_err "f32patch: error: 'gone file.gguf': cannot open for reading (No such file or directory)"
f32p verify -c 'no such.md5'
expect_status 4
expect_err "f32patch: error: 'no such.md5': cannot open for reading"
f32p verify -c missing.md5
expect_status 4
expect_err "f32patch: error: missing.md5: cannot open for reading (No such file or directory)"

# one read per file whatever the number of lines naming it: a mismatch and an OK for one file
{ md5sum a.gguf; echo "SHA256 (a.gguf) = $(printf '%064d' 0)"; } > twice
f32p verify -c twice
expect_status 1
expect_eq "$(cat out)" "$(printf 'a.gguf: OK\na.gguf: FAILED')" "two lines for one file"
# results come in the check file's line order, as md5sum -c prints them: a, b, a
cp a.gguf c.gguf
{ md5sum c.gguf; md5sum empty.gguf; md5sum --tag c.gguf; md5sum a.gguf; } > order.md5
f32p verify -c order.md5
expect_status 0
expect_eq "$(cat out)" "$(md5sum -c order.md5)" "line order, as md5sum -c"
f32p -q verify -c order.md5 --quiet
expect_no_out
