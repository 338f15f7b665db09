# Every malformed input to inspect gets one clear error line naming the file, a documented
# exit status, and no stdout; usage errors exit 2; several files: the good ones still print.
source "$E2E_LIB"

run "$F32PATCH_FIXTURE" good.gguf --shape small
expect_status 0

# usage
f32p
expect_status 2
expect_err "f32patch: error: "
f32p inspect
expect_status 2
expect_err "f32patch: error: files is required"
f32p inspect good.gguf --no-such-flag
expect_status 2
expect_err_format
f32p frobnicate good.gguf
expect_status 2
f32p --help
expect_status 0
expect_out "Exit status:"
expect_out "inspect"
expect_no_err
f32p inspect --help
expect_status 0
expect_out "--json"
f32p --version
expect_status 0
expect_out_re "^f32patch [0-9]+\.[0-9]+\.[0-9]+"

# I/O: a missing file
f32p inspect missing.gguf
expect_status 4
expect_err "f32patch: error: missing.gguf: cannot open for reading (No such file or directory)"
expect_no_out

# not GGUF
mkdir adir
f32p inspect adir
expect_status 3
expect_err "f32patch: error: adir: is a directory, not a GGUF file"

: > empty.gguf
f32p inspect empty.gguf
expect_status 3
expect_err "f32patch: error: empty.gguf: file is empty (0 bytes)"
expect_err "f32patch: hint: "

printf '<!DOCTYPE html>\n<html><head><title>model.gguf</title></head></html>\n' > page.gguf
f32p inspect page.gguf
expect_status 3
expect_err "page.gguf: is an HTML/XML page, not a GGUF file"
expect_err "resolve/main"

printf 'version https://git-lfs.github.com/spec/v1\noid sha256:0123\nsize 9483933472\n' > pointer.gguf
f32p inspect pointer.gguf
expect_status 3
expect_err "pointer.gguf: is a Git LFS pointer file, not the model itself"
expect_err "git lfs pull"

# truncated downloads: so short that the counts cannot fit, inside the header, and inside the
# tensor data
head -c 5000 good.gguf > cut-counts.gguf
f32p inspect cut-counts.gguf
expect_status 3
expect_err "cut-counts.gguf: tensor count is 833, but the 4976 bytes after the header can hold at most 199 tensor infos (25 bytes or more each)"
expect_err "f32patch: hint: a truncated download"
head -c 30000 good.gguf > cut-header.gguf
f32p inspect cut-header.gguf
expect_status 3
expect_err "cut-header.gguf: file ends at byte 30000 "
expect_err_format
size=$(stat -c %s good.gguf)
head -c $((size - 100000)) good.gguf > cut-data.gguf
f32p inspect cut-data.gguf
expect_status 3
expect_err "cut-data.gguf: tensor '"
expect_err "past end of file ($((size - 100000)) bytes)"

# bad version and bad magic
cp good.gguf v1.gguf && printf '\x01\x00\x00\x00' | dd of=v1.gguf bs=1 seek=4 conv=notrunc status=none
f32p inspect v1.gguf
expect_status 3
expect_err "v1.gguf: GGUF version 1 is not supported, expected version 2 or 3"
cp good.gguf fugg.gguf && printf 'FUGG' | dd of=fugg.gguf bs=1 seek=0 conv=notrunc status=none
f32p inspect fugg.gguf
expect_status 3
expect_err "FUGG"

# several files: each handled on its own, the most severe status wins, good output still printed
f32p inspect good.gguf page.gguf missing.gguf good.gguf
expect_status 4
check; [ "$(grep -c '^file:' out)" -eq 2 ] || fail "expected two summaries for the two good files"
check; [ "$(grep -c '^f32patch: error: ' err)" -eq 2 ] || fail "expected two error lines"
f32p inspect good.gguf page.gguf
expect_status 3
