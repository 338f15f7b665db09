# inspect on the full-size, sparse Gemma-4-31B-shaped file: summary, 60-row layer table with
# the offsets of gguf-format.md §6.2, attention kinds, JSON for jq, and the file left untouched.
source "$E2E_LIB"

run "$F32PATCH_FIXTURE" g31.gguf --shape 31b
expect_status 0
before=$(stat -c '%s %Y' g31.gguf)

f32p inspect g31.gguf
expect_status 0
expect_no_err
expect_out "architecture: gemma4"
expect_out "format:       GGUF v3, little-endian"
expect_out "tensors:      833"
expect_out "metadata:     51 keys"
expect_out "block count:  60"
expect_out "attention:    50 sliding, 10 full (gemma4.attention.sliding_window_pattern)"
rows=$(grep -cE '^ +[0-9]+  (sliding|full) ' out)
expect_eq "$rows" 60 "layer rows"
data_offset=$(sed -n 's/^data offset: *//p' out)
# §6.2: blk.25.layer_output_scale sits 3,936,391,968 bytes into the data section; layer 5 is full.
expect_out_re "^ +25  sliding +$((data_offset + 3936391968))  "
expect_out_re "^ +5  full +[0-9]+  "
expect_out_re "^ +59  full +$((data_offset + 7709996896))  "

f32p inspect g31.gguf --json
expect_status 0
expect_jq '.tensor_count' 833
expect_jq '.metadata_count' 51
expect_jq '.block_count' 60
expect_jq '.gguf_version' 3
expect_jq '.byte_order' little
expect_jq '.layers | length' 60
expect_jq ".layers[25].offset" "$((data_offset + 3936391968))"
expect_jq '.layers[25].tensor' blk.25.layer_output_scale.weight
expect_jq '[.layers[] | select(.attention == "full") | .layer] | join(",")' "5,11,17,23,29,35,41,47,53,59"
expect_jq '.file_size - .data_offset' 7710039936

f32p inspect g31.gguf --json --tensors --metadata
expect_status 0
expect_jq '.tensors | length' 833
expect_jq '[.tensors[] | select(.type == "F32")] | length' 422
expect_jq '.tensors[2] | "\(.name) \(.type) \(.shape | join("x"))"' "token_embd.weight Q5_K 5376x262144"
expect_jq '.metadata | length' 51
expect_jq '.metadata[] | select(.key == "tokenizer.ggml.tokens") | "\(.element_type) \(.count) \(.values[0])"' "str 262144 <pad>"
expect_jq '.metadata[] | select(.key == "tokenizer.ggml.merges") | .count' 514906

f32p inspect g31.gguf --metadata --tensors
expect_status 0
expect_out "tokenizer.ggml.tokens"
expect_out "arr[str,262144]"
expect_out "blk.59.post_ffw_norm.weight"

after=$(stat -c '%s %Y' g31.gguf)
expect_eq "$after" "$before" "size and mtime after inspect"
