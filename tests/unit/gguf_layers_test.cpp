// Locating patch targets: blk.<N>.<suffix> names, block count, attention kinds, F32 checks.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/util/error.hpp>

#include "support/gguf_writer.hpp"

namespace f32patch::gguf {
namespace {

using testing::GgufBuilder;

Model parse(const GgufBuilder& builder) {
  const auto bytes = builder.build();
  std::vector<std::byte> copy(bytes.size());
  std::memcpy(copy.data(), bytes.data(), bytes.size());
  return Model::parse(MappedFile::from_memory(std::move(copy), "layers.gguf"));
}

TEST(LayerNameTest, AcceptsOnlyPlainDecimalLayers) {
  const std::string_view suffix = default_target_suffix;
  EXPECT_EQ(parse_layer_name("blk.0.layer_output_scale.weight", suffix), 0u);
  EXPECT_EQ(parse_layer_name("blk.25.layer_output_scale.weight", suffix), 25u);
  EXPECT_EQ(parse_layer_name("blk.4294967295.layer_output_scale.weight", suffix), 4294967295u);
  EXPECT_EQ(parse_layer_name("blk.4294967296.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.07.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.-1.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.+1.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk..layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.1x.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.1.layer_output_scale.weight.extra", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("xblk.1.layer_output_scale.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.1.attn_norm.weight", suffix), std::nullopt);
  EXPECT_EQ(parse_layer_name("blk.3.attn_norm.weight", "attn_norm.weight"), 3u);
}

GgufBuilder three_layers() {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 3);
  b.kv_bool_array("gemma4.attention.sliding_window_pattern", {true, true, false});
  for (int i = 0; i < 3; ++i) {
    b.f32_tensor("blk." + std::to_string(i) + ".layer_output_scale.weight", {1}, {0.5f});
    b.f32_tensor("blk." + std::to_string(i) + ".attn_norm.weight", {4}, {1, 2, 3, 4});
  }
  return b;
}

TEST(LayerMapTest, MapsLayersAndAttention) {
  const Model model = parse(three_layers());
  const LayerMap map = map_layers(model);
  EXPECT_EQ(map.block_count, 3u);
  EXPECT_EQ(map.tensors.size(), 3u);
  EXPECT_EQ(map.layer_rows(), 3u);
  ASSERT_EQ(map.attention.kinds.size(), 3u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::sliding);
  EXPECT_EQ(map.attention.kinds[2], AttentionKind::full);
  EXPECT_NO_THROW(check_patchable(model, map));

  const LayerMap norms = map_layers(model, "attn_norm.weight");
  EXPECT_EQ(norms.tensors.size(), 3u);
  EXPECT_EQ(norms.tensors.at(1)->element_count, 4u);
}

TEST(LayerMapTest, NonF32TargetIsRefusedByName) {
  GgufBuilder b = three_layers();
  b.tensor({"blk.3.layer_output_scale.weight", 1, {1}, {}, {}});  // F16
  const Model model = parse(b);
  const LayerMap map = map_layers(model);
  try {
    check_patchable(model, map);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_gguf);
    EXPECT_EQ(e.message(), "tensor 'blk.3.layer_output_scale.weight' has type F16, expected F32");
  }
}

TEST(LayerMapTest, LayerBeyondBlockCountIsRefused) {
  GgufBuilder b = three_layers();
  b.f32_tensor("blk.7.layer_output_scale.weight", {1}, {1.f});
  const Model model = parse(b);
  const LayerMap map = map_layers(model);
  EXPECT_EQ(map.layer_rows(), 8u);
  try {
    check_patchable(model, map);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "tensor 'blk.7.layer_output_scale.weight' names layer 7, but gemma4.block_count is 3");
  }
}

TEST(AttentionLayoutTest, WrongLengthArrayIsUnknownWithANote) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 3);
  b.kv_bool_array("gemma4.attention.sliding_window_pattern", {true, false});
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 3u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::unknown);
  EXPECT_NE(map.attention.note.find("has 2 entries, expected block_count (3)"), std::string::npos);
}

TEST(AttentionLayoutTest, ScalarPatternOnGemma4AppliesToEveryLayerWithAWarning) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 4);
  b.kv_u32("gemma4.attention.sliding_window_pattern", 6);
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 4u);
  for (auto kind : map.attention.kinds) EXPECT_EQ(kind, AttentionKind::sliding);
  EXPECT_NE(map.attention.note.find("scalar"), std::string::npos);
}

TEST(AttentionLayoutTest, ScalarPatternElsewhereIsAPeriod) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma3").kv_u32("gemma3.block_count", 6);
  b.kv_u32("gemma3.attention.sliding_window_pattern", 3);
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 6u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::sliding);
  EXPECT_EQ(map.attention.kinds[2], AttentionKind::full);
  EXPECT_EQ(map.attention.kinds[5], AttentionKind::full);
  EXPECT_TRUE(map.attention.note.empty());
}

TEST(AttentionLayoutTest, MissingArchitectureOrKey) {
  GgufBuilder none;
  none.f32_tensor("blk.0.layer_output_scale.weight", {1}, {1.f});
  const LayerMap map = map_layers(parse(none));
  EXPECT_FALSE(map.block_count.has_value());
  EXPECT_EQ(map.layer_rows(), 1u);
  EXPECT_TRUE(map.attention.kinds.empty());
  EXPECT_FALSE(map.attention.note.empty());
}

}  // namespace
}  // namespace f32patch::gguf
