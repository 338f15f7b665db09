# Byte orders and versions: a big-endian v2 file shows the same layer values as the
# little-endian v3 one; read-only files are inspected without being opened for writing.
source "$E2E_LIB"

run "$F32PATCH_FIXTURE" le.gguf --shape small
expect_status 0
run "$F32PATCH_FIXTURE" be.gguf --shape small --big-endian --gguf-version 2
expect_status 0

f32p inspect be.gguf
expect_status 0
expect_out "format:       GGUF v2, big-endian"
f32p inspect le.gguf --json
le_values=$(jq -r '[.layers[] | .bits] | join(",")' out)
f32p inspect be.gguf --json
be_values=$(jq -r '[.layers[] | .bits] | join(",")' out)
expect_eq "$be_values" "$le_values" "layer_output_scale bits, big- vs little-endian"
expect_jq '.byte_order' big

# a read-only file in a read-only directory
mkdir ro && cp le.gguf ro/model.gguf
sum=$(digest ro/model.gguf)
chmod 0444 ro/model.gguf && chmod 0555 ro
f32p inspect ro/model.gguf --tensors --metadata --full
expect_status 0
expect_out "tokenizer.chat_template"
expect_eq "$(digest ro/model.gguf)" "$sum" "digest after inspect"
chmod 0755 ro

# another tensor family: every element is counted, the first value shown
f32p inspect le.gguf --tensor post_attention_norm.weight --json
expect_status 0
expect_jq '.target_suffix' post_attention_norm.weight
expect_jq '.layers | length' 60
expect_jq '.layers[0].elements' 256
# a family that is quantized is reported, not hidden
f32p inspect le.gguf --tensor attn_q.weight
expect_status 0
expect_out "(IQ1_M, not F32)"
