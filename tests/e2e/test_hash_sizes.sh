# Every digest f32patch prints equals what md5sum, sha256sum, xxhsum -H2, -H1 and -H3 print,
# for files of 0, 1, 63, 64, 65 bytes, 1 MiB + 1 and a 4 GiB + 1 sparse file with data at both
# ends and across the 4 GiB boundary, and for standard input; the line format is theirs too.
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

# the reference line for ALGO over FILE (tagged when TAG=1)
reference() {
  local algo=$1 file=$2 tag=${3:-0} t=()
  [ "$tag" = 1 ] && t=(--tag)
  case $algo in
    md5) md5sum "${t[@]}" -- "$file" ;;
    sha256) sha256sum "${t[@]}" -- "$file" ;;
    xxh128) xxhsum -H2 "${t[@]}" "$file" ;;
    xxh64) xxhsum -H1 "${t[@]}" "$file" ;;
    xxh3) xxhsum -H3 "${t[@]}" "$file" ;;  # always the BSD form: XXH3 (file) = hex
  esac
}

for size in 0 1 63 64 65 1048577; do
  head -c "$size" /dev/urandom > "f$size"
  for algo in md5 sha256 xxh128 xxh64 xxh3; do
    f32p hash --algo "$algo" "f$size"
    expect_status 0
    expect_no_err
    expect_eq "$(cat out)" "$(reference "$algo" "f$size")" "$algo of $size bytes"
  done
  # all five in one read: tagged lines, each equal to the tool's --tag line
  f32p hash --algo md5,sha256,xxh128,xxh64,xxh3 "f$size"
  expect_status 0
  expect_eq "$(cat out)" "$(for a in md5 sha256 xxh128 xxh64 xxh3; do reference "$a" "f$size" 1; done)" \
    "all digests of $size bytes"
done

# standard input, named '-' as md5sum names it
LAST_CMD="hash - < f1048577"
"$F32PATCH" hash --algo sha256 - < f1048577 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "$(sha256sum - < f1048577)" "sha256 of standard input"
LAST_CMD="cat | hash"
cat f65 | "$F32PATCH" hash --algo xxh128 - > out 2> err; STATUS=$?
expect_eq "$(cut -d' ' -f1 out)" "$(xxhsum -H2 f65 | cut -d' ' -f1)" "xxh128 of a pipe"
# no FILE at all: standard input, as md5sum reads it
LAST_CMD="hash < f65"
"$F32PATCH" hash < f65 > out 2> err; STATUS=$?
expect_status 0
expect_eq "$(cat out)" "$(md5sum < f65)" "hash with no FILE reads standard input"

# several files: one line per file, in order; the default algorithm is md5
f32p hash f0 f1 f63
expect_eq "$(cat out)" "$(md5sum f0 f1 f63)" "md5 of several files"

# multi-GB: a sparse 4 GiB + 1 file with data at the start, across the 2^32 boundary and at the end
truncate -s $((4 * 1024 * 1024 * 1024 + 1)) big
head -c 4096 /dev/urandom | dd of=big bs=1 seek=0 conv=notrunc status=none
head -c 4096 /dev/urandom | dd of=big bs=1 seek=$((4 * 1024 * 1024 * 1024 - 4095)) conv=notrunc status=none
expect_eq "$(stat -c %s big)" $((4 * 1024 * 1024 * 1024 + 1)) "size of the sparse file"
# the reference tools run in parallel with f32patch (two cores)
md5sum big > ref.md5 & sha256sum big > ref.sha256 & xxhsum -H2 big > ref.xxh128 &
xxhsum -H1 big > ref.xxh64
"$F32PATCH" hash --algo md5,sha256,xxh128,xxh64,xxh3 big > big.out 2> err; STATUS=$?
wait
xxhsum -H3 big > ref.xxh3
expect_status 0
expect_eq "$(grep '^MD5 ' big.out | cut -d' ' -f4)" "$(cut -d' ' -f1 ref.md5)" "md5 of 4 GiB + 1"
expect_eq "$(grep '^SHA256 ' big.out | cut -d' ' -f4)" "$(cut -d' ' -f1 ref.sha256)" "sha256 of 4 GiB + 1"
expect_eq "$(grep '^XXH128 ' big.out | cut -d' ' -f4)" "$(cut -d' ' -f1 ref.xxh128)" "xxh128 of 4 GiB + 1"
expect_eq "$(grep '^XXH64 ' big.out | cut -d' ' -f4)" "$(cut -d' ' -f1 ref.xxh64)" "xxh64 of 4 GiB + 1"
expect_eq "$(grep '^XXH3 ' big.out)" "$(cat ref.xxh3)" "xxh3 of 4 GiB + 1"
rm -f big
