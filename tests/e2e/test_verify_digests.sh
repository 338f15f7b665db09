# f32patch verify FILE --md5/--sha256/--xxh128/--xxh64/--xxh3 HEX (several at once, one read),
# and the sidecar FILE.md5 / FILE.sha256 / ... used when no digest is given. OK exits 0, a
# mismatch 1, a bad digest or no digest at all 2, a sidecar without a line for the file (or
# whose line names another file, or has the wrong length) 3, a missing file 4.
source "$E2E_LIB"
for tool in md5sum sha256sum xxhsum; do
  command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed"; exit 125; }
done

head -c 200000 /dev/urandom > m.gguf
md5=$(md5sum m.gguf | cut -d' ' -f1)
sha=$(sha256sum m.gguf | cut -d' ' -f1)
x128=$(xxhsum -H2 m.gguf | cut -d' ' -f1)
x64=$(xxhsum -H1 m.gguf | cut -d' ' -f1)
x3=$(xxhsum -H3 m.gguf | sed 's/.* = //')
zero32=$(printf '%032d' 0)

f32p verify m.gguf --md5 "$md5"
expect_status 0
expect_eq "$(cat out)" "m.gguf: OK" "--md5"
expect_no_err
f32p verify m.gguf --md5 "${md5^^}" --sha256 "$sha" --xxh128 "$x128" --xxh64 "$x64" --xxh3 "$x3"
expect_status 0
expect_eq "$(cat out)" "m.gguf: OK" "all five digests, upper-case md5"
# --xxh3 is XXH3-64, as xxhsum -H3 computes it; XXH3-128 is --xxh128
f32p verify m.gguf --xxh3 "$x64"
expect_status 1
f32p verify m.gguf --xxh3 "$x128"
expect_status 2
expect_err "f32patch: error: --xxh3 '$x128' is not a 16-digit hex digest"

f32p verify m.gguf --md5 "$md5" --xxh128 "$zero32"
expect_status 1
expect_eq "$(cat out)" "m.gguf: FAILED" "one digest of two differs"
expect_err "f32patch: warning: m.gguf: XXH128 is $x128, expected $zero32"
expect_err_format
f32p verify m.gguf --sha256 "$(printf '%064d' 0)" --quiet
expect_status 1
expect_out "m.gguf: FAILED"
f32p verify m.gguf --md5 "$md5" --quiet
expect_status 0
expect_no_out
f32p verify m.gguf --xxh64 0000000000000000 --status
expect_status 1
expect_no_out
expect_no_err
f32p -q verify m.gguf --xxh64 0000000000000000
expect_status 1
expect_out "m.gguf: FAILED"
expect_no_err

# usage errors: bad hex, digests for several files, nothing to check, conflicting modes
f32p verify m.gguf --md5 "$sha"
expect_status 2
expect_err "f32patch: error: --md5 '$sha' is not a 32-digit hex digest"
f32p verify m.gguf --xxh64 xyz
expect_status 2
f32p verify m.gguf m.gguf --md5 "$md5"
expect_status 2
f32p verify
expect_status 2
f32p verify -c x.md5 --md5 "$md5"
expect_status 2
f32p verify m.gguf --algo md5
expect_status 2

# missing file: 4, not 1
f32p verify gone.gguf --md5 "$md5"
expect_status 4
expect_err "f32patch: error: gone.gguf: cannot open for reading (No such file or directory)"
expect_no_out

# sidecars: none -> usage error with a hint; FILE.md5 written by md5sum elsewhere; FILE.sha256
f32p verify m.gguf
expect_status 2
expect_err "f32patch: error: m.gguf: no digest to verify against"
expect_err "f32patch: hint: "
mkdir -p models
cp m.gguf models/
(cd models && md5sum m.gguf > m.gguf.md5)
f32p verify models/m.gguf
expect_status 0
expect_eq "$(cat out)" "models/m.gguf: OK" "sidecar .md5 (name relative to its directory)"
sha256sum models/m.gguf > models/m.gguf.sha256
f32p -v verify models/m.gguf
expect_status 0
expect_err "checking against models/m.gguf.md5"
expect_err "checking against models/m.gguf.sha256"
printf 'Y' | dd of=models/m.gguf bs=1 seek=100 conv=notrunc status=none
f32p verify models/m.gguf
expect_status 1
expect_out "models/m.gguf: FAILED"
expect_err "MD5 is "
expect_err "SHA256 is "
# a sidecar with lines for other files only is refused, even a single line
{ md5sum m.gguf | sed 's/m.gguf$/x.gguf/'; md5sum m.gguf | sed 's/m.gguf$/y.gguf/'; } > models/m.gguf.md5
rm models/m.gguf.sha256
f32p verify models/m.gguf
expect_status 3
expect_err "f32patch: error: models/m.gguf.md5: line 1 is for 'x.gguf', not for 'm.gguf'"
expect_err "f32patch: hint: a sidecar holds the digest of the file it is named after"
md5sum m.gguf | sed 's/m.gguf$/other.gguf/' > models/m.gguf.md5
f32p verify models/m.gguf
expect_status 3
expect_no_out
expect_err "f32patch: error: models/m.gguf.md5: line 1 is for 'other.gguf', not for 'm.gguf'"
# a line md5sum wrote for standard input names no file: it is taken
md5sum < models/m.gguf > models/m.gguf.md5
f32p verify models/m.gguf
expect_status 0
expect_eq "$(cat out)" "models/m.gguf: OK" "a sidecar line for '-'"
# a SHA-256 line in FILE.md5 says what is wrong with it
sha256sum m.gguf > m.gguf.md5
f32p verify m.gguf
expect_status 3
expect_err "f32patch: error: m.gguf.md5: line 1: expected a 32-digit MD5, found 64 digits"
printf 'garbage\n' > m.gguf.md5
f32p verify m.gguf
expect_status 3
expect_err "f32patch: error: m.gguf.md5: has no properly formatted checksum line"
# FILE.xxh3 as xxhsum -H3 writes it
rm m.gguf.md5
xxhsum -H3 m.gguf > m.gguf.xxh3
f32p -v verify m.gguf
expect_status 0
expect_out "m.gguf: OK"
expect_err "checking against m.gguf.xxh3"
rm m.gguf.xxh3
# several files with sidecars: each on its own, the most severe status
md5sum m.gguf > m.gguf.md5
f32p verify m.gguf models/m.gguf gone.gguf
expect_status 4
expect_out "m.gguf: OK"
