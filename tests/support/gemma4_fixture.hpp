// Gemma 4 shaped GGUF fixtures (docs/gguf-format.md section 6).
//
// gemma4_31b() reproduces the header of a Gemma 4 31B IQ1_M file: 51 KVs in llama-quantize
// order, 833 tensor infos, a ~16 MB header and a 7.7 GB data section that write() leaves as
// holes except for the F32 tensors. gemma4_small() has the same 51-key / 833-tensor structure
// with tiny dimensions and real (seeded pseudo-random) data in every tensor, so the whole file
// is a few MB and can be hashed, patched and compared byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <f32patch/util/byte_order.hpp>

#include "support/gguf_writer.hpp"

namespace f32patch::testing {

struct Gemma4Shape {
  std::uint32_t blocks = 60;
  std::uint64_t embd = 5376;
  std::uint64_t ff = 21504;
  std::uint64_t vocab = 262144;
  std::uint64_t merges = 514906;
  std::uint32_t head_count = 32;
  std::uint32_t head_dim_swa = 256;   // sliding layers
  std::uint32_t head_dim_full = 512;  // full-attention layers
  std::uint32_t kv_heads_swa = 16;
  std::uint32_t kv_heads_full = 4;
  std::size_t chat_template_bytes = 12767;
  bool real_data = false;  // false: only F32 tensors get data, quantized ones are holes
  ByteOrder order = ByteOrder::little;
  std::uint32_t version = 3;
  std::uint32_t seed = 1;
  std::vector<float> layer_scales;  // per block; empty = default_layer_scale(i)
};

// Section 6 exactly: 60 blocks, 5376 / 21504, 262144 tokens, 514906 merges, 32 heads, head
// dims 256 / 512, KV heads 16 / 4, a 12767-byte template, no data for quantized tensors.
Gemma4Shape gemma4_31b();
// The same 60-block / 51-KV / 833-tensor structure with tiny dimensions (embd 256, ff 512,
// 2 heads, head dims 128 / 256, 1 / 1 KV heads, 512 tokens, 1000 merges, a 2000-byte
// template) and seeded data in every tensor. The file is about 8.5 MB.
Gemma4Shape gemma4_small();

// The layer_output_scale value the fixtures use for a layer when Gemma4Shape::layer_scales is
// empty: deterministic, finite, distinct per layer, in [0.1, 0.95], with a non-trivial mantissa.
float default_layer_scale(std::uint32_t layer);
// The value a fixture of `shape` stores in blk.<layer>.layer_output_scale.weight.
float gemma4_layer_scale(const Gemma4Shape& shape, std::uint32_t layer);
// Layer i is full-attention exactly when (i + 1) is a multiple of 6; the rest are sliding.
bool gemma4_is_sliding(std::uint32_t layer);
// "blk.<layer>.layer_output_scale.weight".
std::string gemma4_scale_tensor_name(std::uint32_t layer);

// Element `id` of tokenizer.ggml.tokens / merge `index` of tokenizer.ggml.merges for `seed`.
std::string gemma4_token(std::uint32_t seed, std::uint64_t vocab, std::uint64_t id);
std::string gemma4_merge(std::uint32_t seed, std::uint64_t index);
// Jinja-looking ASCII text of exactly `bytes` bytes.
std::string gemma4_chat_template(std::size_t bytes);

// A builder holding the whole fixture: the 51 KVs of section 6.1 (arrays sized by
// shape.blocks), the tensor infos of section 6.2 in llama-quantize order and types, and the
// tensor data. Throws std::invalid_argument for a shape whose quantized rows are not whole
// blocks or whose layer_scales size differs from blocks.
GgufBuilder gemma4_builder(const Gemma4Shape& shape);

}  // namespace f32patch::testing
