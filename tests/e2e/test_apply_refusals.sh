# Every refusal happens before anything is written: the model's md5 is unchanged and no journal
# (or temporary journal) appears. Each names the file and says what to do.
source "$E2E_LIB"

fixture m.gguf
orig=$(digest m.gguf)

# expect_untouched WHAT: m.gguf is as it was, and no journal was left behind
expect_untouched() {
  expect_digest m.gguf "$orig" "$1: model"
  expect_no_file m.gguf.backup
  check; [ -z "$(temp_journals .)" ] || fail "$1: temporary journal left: $(temp_journals .)"
  expect_err_format
  expect_no_out
}

# layers the model does not have
f32p apply m.gguf --layers 60 --scale 1.5
expect_status 2
expect_err "f32patch: error: m.gguf: layer 60 is beyond the model's 60 blocks (layers 0-59)"
expect_untouched "layer beyond the block count"
f32p apply m.gguf --set 25=1.5,4000000=1.5
expect_status 2
expect_err "layer 4000000 is beyond the model's 60 blocks"
expect_untouched "layer far beyond the block count, with a good one"
f32p apply m.gguf --layers 25 --scale 1.5 --tensor no_such_norm.weight
expect_status 2
expect_err "m.gguf: layer 25 has no tensor 'blk.25.no_such_norm.weight'"
expect_untouched "unknown tensor family"
f32p apply m.gguf --layers 25,x --scale 1.5
expect_status 2
expect_err "is not a layer number"
expect_untouched "a layer that is not a number"
f32p apply m.gguf --layers 21-18 --scale 1.5
expect_status 2
expect_err "runs backwards"
expect_untouched "a backwards range"

# a recipe for another architecture (or block count): refused unless --any-model
cat > llama.toml <<'TOML'
name = "for-llama"
architecture = "llama"
[multipliers]
25 = 1.5
TOML
f32p apply m.gguf --recipe llama.toml
expect_status 2
expect_err "m.gguf: recipe 'for-llama' is for llama models, this file is 'gemma4'"
expect_err "--any-model"
expect_untouched "recipe for llama"
cat > blocks32.toml <<'TOML'
name = "for-32-blocks"
block_count = 32
[multipliers]
25 = 1.5
TOML
f32p apply m.gguf --recipe blocks32.toml
expect_status 2
expect_err "recipe 'for-32-blocks' is for models of 32 blocks, this file has 60"
expect_untouched "recipe for 32 blocks"
f32p apply m.gguf --recipe llama.toml --any-model
expect_status 0
expect_out "m.gguf: applied for-llama (llama.toml)"
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$orig" "restore after --any-model"

# zero, negative, non-finite multipliers; a product that overflows F32
for scale in 0 -1.5 -0; do
  f32p apply m.gguf --layers 25 --scale "$scale"
  expect_status 2
  expect_err "multiplier of layer 25 is"
  expect_err "--allow-nonpositive"
  expect_untouched "--scale $scale"
done
for scale in inf nan 1e999 1.5x ''; do
  f32p apply m.gguf --layers 25 --scale "$scale"
  expect_status 2
  expect_untouched "--scale '$scale'"
done
f32p apply m.gguf --set 25=0,26=1.5 --allow-nonpositive
expect_status 0
expect_eq "$(layer_bits m.gguf 25)" 0x00000000 "layer 25 after x0 with --allow-nonpositive"
f32p restore m.gguf -q
expect_status 0
f32p apply m.gguf --layers 26 --scale -2 --allow-nonpositive -q
expect_status 0
check; [ "$(layer_bits m.gguf 26)" \> 0x80000000 ] || fail "layer 26 should be negative after x-2"
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$orig" "restore after nonpositive multipliers"
f32p apply m.gguf --layers 25 --scale 1e300
expect_status 2
expect_err "is not a finite F32 value"
expect_untouched "a product beyond F32"

# a multiplier so small that the F32 result is zero: it erases the layer like a zero would
f32p apply m.gguf --layers 25 --scale 1e-45
expect_status 2
expect_err "rounds to zero in F32, erasing the value"
expect_err "--allow-nonpositive"
expect_untouched "a multiplier that underflows F32"
f32p apply m.gguf --layers 25 --scale 1e-400
expect_status 2
expect_err "--scale '1e-400' is outside the range of a double"
expect_untouched "a multiplier beyond double"
f32p apply m.gguf --layers -1 --scale 1.5
expect_status 2
expect_err "layers are numbered from 0, not negative"
expect_untouched "a negative layer"

# a target that is not F32
f32p apply m.gguf --layers 25 --scale 1.5 --tensor attn_q.weight
expect_status 3
expect_err "attn_q.weight' has type IQ1_M, expected F32"
expect_untouched "non-F32 target"

# a read-only model (the tests run as root: the tool goes by the mode bits)
chmod 0444 m.gguf
f32p apply m.gguf --recipe l25l26
expect_status 4
expect_err "f32patch: error: m.gguf: file is read-only (mode 0444); f32patch will not change it"
expect_err "--output"
expect_untouched "read-only model"
f32p apply m.gguf --recipe l25l26 --dry-run
expect_status 4
expect_err "file is read-only"
expect_untouched "dry run on a read-only model (the real run would be refused)"
f32p restore m.gguf
expect_status 4
expect_err "read-only"
# --output reads it and writes the copy elsewhere
f32p apply m.gguf --recipe l25l26 --output copy.gguf -q
expect_status 0
expect_digest m.gguf "$orig" "read-only model after --output"
expect_eq "$(stat -c %a m.gguf)" 444 "mode of the read-only model"
chmod 0644 m.gguf

# a read-only directory for the journal
mkdir ro
cp m.gguf ro/m.gguf
chmod 0555 ro
f32p apply ro/m.gguf --recipe l25l26
expect_status 4
expect_err "f32patch: error: ro: directory is read-only (mode 0555)"
expect_digest ro/m.gguf "$orig" "model in a read-only directory"
expect_no_file ro/m.gguf.backup
mkdir jdir
chmod 0555 jdir
f32p apply m.gguf --recipe l25l26 --backup jdir/m.backup
expect_status 4
expect_err "jdir: directory is read-only"
expect_untouched "journal in a read-only directory"
expect_no_file jdir/m.backup
chmod 0755 ro jdir

# a Hugging Face cache blob, reached through its snapshot symlink
hex=$(printf '%s' "f32patch" | sha256sum | cut -d' ' -f1)
repo=hub/models--google--gemma-4-31B
mkdir -p "$repo/blobs" "$repo/snapshots/0123abcd"
cp m.gguf "$repo/blobs/$hex"
ln -s "../../blobs/$hex" "$repo/snapshots/0123abcd/model.gguf"
snap=$repo/snapshots/0123abcd/model.gguf
f32p apply "$snap" --recipe l25l26
expect_status 5
expect_err "f32patch: error: $snap: resolves to "
expect_err "a content-addressed Hugging Face cache blob"
expect_err_re "^f32patch: hint: .*--output"
expect_digest "$repo/blobs/$hex" "$orig" "HF blob after a refused apply"
expect_no_file "$snap.backup"
# the blob itself, named directly, is refused too
f32p apply "$repo/blobs/$hex" --recipe l25l26
expect_status 5
expect_err "Hugging Face cache blob"
# --output writes a patched copy outside the cache
f32p apply "$snap" --recipe l25l26 --output patched.gguf -q
expect_status 0
expect_digest "$repo/blobs/$hex" "$orig" "HF blob after --output"
f32p status patched.gguf
expect_status 10
# --allow-blob edits it anyway; restore needs it too
f32p apply "$snap" --recipe l25l26 --allow-blob -q
expect_status 0
f32p status "$snap"
expect_status 10
f32p restore "$snap"
expect_status 5
expect_err "Hugging Face cache blob"
f32p restore "$snap" --allow-blob -q
expect_status 0
expect_digest "$repo/blobs/$hex" "$orig" "HF blob after --allow-blob apply and restore"

# an Ollama blob
mkdir -p ollama/models/blobs
cp m.gguf "ollama/models/blobs/sha256-$hex"
f32p apply "ollama/models/blobs/sha256-$hex" --recipe l25l26
expect_status 5
expect_err "a content-addressed Ollama blob"
expect_err "--output"
expect_digest "ollama/models/blobs/sha256-$hex" "$orig" "Ollama blob after a refused apply"
expect_no_file "ollama/models/blobs/sha256-$hex.backup"
# not a blob: 64 hex digits outside a blobs/ directory, or a short sha256- name
cp m.gguf "$hex"
f32p apply "$hex" --recipe l25l26 -q
expect_status 0
cp m.gguf sha256-abc.gguf
f32p apply sha256-abc.gguf --recipe l25l26 -q
expect_status 0

# a missing file and a directory: I/O and invalid-GGUF errors, nothing created
f32p apply missing.gguf --recipe l25l26
expect_status 4
expect_no_file missing.gguf.backup
mkdir adir.gguf
f32p apply adir.gguf --recipe l25l26
expect_status_in 3 4
expect_no_file adir.gguf.backup

# usage errors
f32p apply m.gguf
expect_status 2
expect_err "say what to change"
f32p apply m.gguf --recipe l25l26 --layers 25 --scale 1.5
expect_status 2
f32p apply m.gguf --recipe l25l26 --tensor post_attention_norm.weight
expect_status 2
f32p apply m.gguf --recipe no-such-recipe
expect_status 2
expect_err "recipe 'no-such-recipe' is neither a built-in recipe nor a file"
f32p apply m.gguf --recipe l25l26 --backup-mode partial
expect_status 2
f32p apply m.gguf --restore --layers 3 --scale 9
expect_status 2
expect_err "--restore puts the original bytes back; it takes no recipe"
expect_untouched "usage errors"
