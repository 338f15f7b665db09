# hash --per-tensor writes a manifest (one line per tensor: algo, hex, file:tensor by base
# name); verify --manifest names exactly the tensors that differ after bytes of one tensor are
# flipped with dd, and checks a moved or renamed file; xxh3 (XXH3-64) manifests as well. Bad
# manifests exit 3, missing files 4.
source "$E2E_LIB"
command -v jq >/dev/null || { echo "skipped: jq is not installed"; exit 125; }

run "$F32PATCH_FIXTURE" model.gguf --shape small
expect_status 0
f32p hash --per-tensor model.gguf
expect_status 0
expect_no_err
cp out model.manifest
expect_eq "$(wc -l < model.manifest)" 833 "one line per tensor"
expect_eq "$(head -n 1 model.manifest)" \
  "xxh128  $(head -n 1 model.manifest | cut -d' ' -f3)  model.gguf:output_norm.weight" "line format"
check; grep -qvE '^xxh128  [0-9a-f]{32}  model\.gguf:[^ ]+$' model.manifest && fail "a line is not 'xxh128  hex  model.gguf:tensor'"

# the digest of one tensor equals xxhsum over its bytes cut out with dd
f32p inspect --json --tensors model.gguf
cp out model.json
offset=$(jq '.tensors[] | select(.name == "blk.25.layer_output_scale.weight") | .offset' model.json)
if command -v xxhsum >/dev/null; then
  bytes=$(jq '.tensors[] | select(.name == "blk.3.attn_q.weight") | .bytes' model.json)
  start=$(jq '.tensors[] | select(.name == "blk.3.attn_q.weight") | .offset' model.json)
  expected=$(dd if=model.gguf bs=1 skip="$start" count="$bytes" status=none | xxhsum -H2 - | cut -d' ' -f1)
  expect_eq "$(grep ':blk.3.attn_q.weight$' model.manifest | cut -d' ' -f3)" "$expected" "tensor digest equals xxhsum"
fi

f32p verify --manifest model.manifest model.gguf
expect_status 0
expect_eq "$(cat out)" "model.gguf: OK" "untouched file"

# several algorithms in one manifest
f32p hash --per-tensor --algo md5,sha256 model.gguf
cp out two.manifest
expect_eq "$(wc -l < two.manifest)" 1666 "two lines per tensor"
expect_out "md5  "
expect_out "sha256  "

# flip the bytes of layer 25's layer_output_scale (the patch target) and one byte of a weight
cp model.gguf patched.gguf
printf '\x00\x00\xc0\x3f' | dd of=patched.gguf bs=1 seek="$offset" conv=notrunc status=none
start=$(jq '.tensors[] | select(.name == "blk.40.ffn_down.weight") | .offset' model.json)
printf 'Q' | dd of=patched.gguf bs=1 seek=$((start + 17)) conv=notrunc status=none
cp model.manifest patched.manifest
sed -i 's/  model.gguf:/  patched.gguf:/' patched.manifest
f32p verify --manifest patched.manifest patched.gguf
expect_status 1
expect_eq "$(cat out)" "$(printf 'patched.gguf:blk.25.layer_output_scale.weight: FAILED\npatched.gguf:blk.40.ffn_down.weight: FAILED\npatched.gguf: FAILED')" "the two changed tensors, nothing else"
expect_err "f32patch: warning: patched.gguf: 2 tensors of 833 differ, 0 missing from the file, 0 not in the manifest"
f32p -v verify --manifest two.manifest patched.gguf
expect_status 1
expect_err "blk.25.layer_output_scale.weight: md5 is "
expect_err "f32patch: note: patched.gguf: the manifest is for 'model.gguf'; checking this file as that one"
f32p verify --manifest patched.manifest patched.gguf --status
expect_status 1
expect_no_out

# moved to another directory: matched by base name
mkdir -p elsewhere && cp model.gguf elsewhere/
f32p verify --manifest model.manifest elsewhere/model.gguf
expect_status 0
expect_out "elsewhere/model.gguf: OK"

# tensors missing from the file and not in the manifest
{ grep -v ':blk.7.attn_k.weight$' model.manifest; echo "xxh128  $(printf '%032d' 0)  model.gguf:blk.99.ghost.weight"; } > edited.manifest
f32p verify --manifest edited.manifest model.gguf
expect_status 1
expect_out "model.gguf:blk.7.attn_k.weight: FAILED not in manifest"
expect_out "model.gguf:blk.99.ghost.weight: FAILED not in file"

# errors
echo "this is not a manifest" > bad.manifest
f32p verify --manifest bad.manifest model.gguf
expect_status 3
expect_err "f32patch: error: bad.manifest: line 1: not a manifest line"
f32p verify --manifest model.manifest gone.gguf
expect_status 4
f32p verify --manifest gone.manifest model.gguf
expect_status 4
printf 'junk' > junk.gguf
f32p verify --manifest model.manifest junk.gguf
expect_status 3
f32p verify --manifest model.manifest
expect_status 2
{ echo "sha1  a9993e364706816aba3e25717850c26c9cd0d89d  model.gguf:output_norm.weight"
  echo "uuid  1b6d1f34-0000-5000-8000-000000000000  model.gguf"; } > other.manifest
f32p verify --manifest other.manifest model.gguf
expect_status 3
expect_err "f32patch: error: other.manifest: has no per-tensor lines f32patch can check"
f32p verify --manifest 'no such.manifest' model.gguf
expect_status 4
expect_err "f32patch: error: 'no such.manifest': cannot open for reading"

# xxh3 lines (XXH3-64, llama-gguf-hash's xxh3) are checked, not skipped
f32p hash --per-tensor --algo xxh3 model.gguf
expect_status 0
cp out xxh3.manifest
expect_eq "$(grep -cE '^xxh3  [0-9a-f]{16}  model\.gguf:' xxh3.manifest)" 833 "xxh3 manifest lines"
if command -v xxhsum >/dev/null; then
  bytes=$(jq '.tensors[] | select(.name == "blk.3.attn_q.weight") | .bytes' model.json)
  start=$(jq '.tensors[] | select(.name == "blk.3.attn_q.weight") | .offset' model.json)
  expected=$(dd if=model.gguf bs=1 skip="$start" count="$bytes" status=none | xxhsum -H3 - | sed 's/.* = //')
  expect_eq "$(grep ':blk.3.attn_q.weight$' xxh3.manifest | cut -d' ' -f3)" "$expected" "xxh3 of a tensor equals xxhsum -H3"
fi
f32p verify --manifest xxh3.manifest model.gguf
expect_status 0
expect_eq "$(cat out)" "model.gguf: OK" "an xxh3 manifest"
check; grep -q "skipped" err && fail "xxh3 lines must not be skipped"
f32p verify --manifest xxh3.manifest patched.gguf
expect_status 1
expect_out "patched.gguf:blk.25.layer_output_scale.weight: FAILED"
