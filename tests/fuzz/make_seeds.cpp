// Writes a small seed corpus for the reader fuzzer: valid files of every shape the reader knows
// (both byte orders, v2 and v3, every metadata type, arrays, custom alignment, Gemma-like layers).
#include <cstdio>
#include <string>

#include "support/gguf_writer.hpp"

using f32patch::ByteOrder;
using f32patch::testing::GgufBuilder;

namespace {

GgufBuilder layered(ByteOrder order, std::uint32_t version) {
  GgufBuilder b;
  b.byte_order(order).version(version);
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 3);
  b.kv_bool_array("gemma4.attention.sliding_window_pattern", {true, true, false});
  b.kv_str_array("tokenizer.ggml.tokens", {"<pad>", "<eos>", "a", "b"});
  b.kv_f32_array("tokenizer.ggml.scores", {0.f, -1.f, 2.f, 3.f});
  for (int layer = 0; layer < 3; ++layer) {
    b.f32_tensor("blk." + std::to_string(layer) + ".layer_output_scale.weight", {1}, {0.5f + static_cast<float>(layer)});
    b.f32_tensor("blk." + std::to_string(layer) + ".attn_norm.weight", {4}, {1.f, 2.f, 3.f, 4.f});
  }
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  layered(ByteOrder::little, 3).write(dir + "/layers-le-v3.gguf");
  layered(ByteOrder::big, 3).write(dir + "/layers-be-v3.gguf");
  layered(ByteOrder::little, 2).write(dir + "/layers-le-v2.gguf");
  layered(ByteOrder::little, 3).alignment(1).write(dir + "/layers-align1.gguf");

  GgufBuilder all;
  all.kv_u8("a.u8", 1).kv_i8("a.i8", -1).kv_u16("a.u16", 2).kv_i16("a.i16", -2).kv_u32("a.u32", 3);
  all.kv_i32("a.i32", -3).kv_f32("a.f32", 1.5f).kv_bool("a.bool", true).kv_str("a.str", "x");
  all.kv_u64("a.u64", 4).kv_i64("a.i64", -4).kv_f64("a.f64", 2.5).kv_i32_array("a.arr", {1, 2, 3});
  all.tensor({"q", 8, {32, 2}, {}, {}});  // Q8_0
  all.write(dir + "/all-types.gguf");

  GgufBuilder empty;
  empty.write(dir + "/empty.gguf");
  return 0;
}
