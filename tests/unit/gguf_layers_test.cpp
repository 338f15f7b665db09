// Locating patch targets: blk.<N>.<suffix> names, block count, attention kinds, F32 checks.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
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
  EXPECT_EQ(map.rows().size(), 3u);
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
  // Rows 0-2 from block_count, then the stray layer 7, flagged; no absent rows 3-6.
  const auto rows = map.rows();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].layer, 7u);
  EXPECT_TRUE(rows[3].beyond_block_count);
  EXPECT_FALSE(rows[2].beyond_block_count);
  EXPECT_EQ(map.beyond_block_count(), 1u);
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

TEST(AttentionLayoutTest, ScalarPatternElsewhereIsAPeriodWithANote) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma3").kv_u32("gemma3.block_count", 6);
  b.kv_u32("gemma3.attention.sliding_window_pattern", 3);
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 6u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::sliding);
  EXPECT_EQ(map.attention.kinds[2], AttentionKind::full);
  EXPECT_EQ(map.attention.kinds[5], AttentionKind::full);
  // docs/gguf-validation.md: a scalar is always reported.
  EXPECT_EQ(map.attention.note,
            "gemma3.attention.sliding_window_pattern is a scalar (3), read as a period: every 3rd layer full, "
            "the others sliding (Gemma 4 writes an array of bools)");
}

TEST(AttentionLayoutTest, ScalarZeroIsUnknownWithAReason) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma3").kv_u32("gemma3.block_count", 2);
  b.kv_u32("gemma3.attention.sliding_window_pattern", 0);
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 2u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::unknown);
  EXPECT_NE(map.attention.note.find("is a scalar 0, which is no period"), std::string::npos) << map.attention.note;
  EXPECT_FALSE(map.attention.source.empty());
}

TEST(AttentionLayoutTest, FloatArrayIsRefusedWithoutConverting) {
  // NaN and 1e30 would overflow a float-to-integer cast (undefined behaviour).
  for (const std::vector<float>& values : {std::vector<float>{std::nanf(""), 1e30f}, std::vector<float>{1.f, 0.f}}) {
    GgufBuilder b;
    b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 2);
    b.kv_f32_array("gemma4.attention.sliding_window_pattern", values);
    const Model model = parse(b);
    const LayerMap map = map_layers(model);
    ASSERT_EQ(map.attention.kinds.size(), 2u);
    EXPECT_EQ(map.attention.kinds[0], AttentionKind::unknown);
    EXPECT_EQ(map.attention.kinds[1], AttentionKind::unknown);
    EXPECT_EQ(map.attention.note, "attention kinds unknown: gemma4.attention.sliding_window_pattern is an array "
                                  "of f32, expected bool");
    const ArrayView* array = model.find("gemma4.attention.sliding_window_pattern")->as_array();
    EXPECT_EQ(model.array_int(*array, 0), std::nullopt);
    EXPECT_EQ(model.array_int(*array, 1), std::nullopt);
  }
}

TEST(AttentionLayoutTest, StringArrayIsRefused) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 2);
  b.kv_str_array("gemma4.attention.sliding_window_pattern", {"sliding", "full"});
  const LayerMap map = map_layers(parse(b));
  EXPECT_NE(map.attention.note.find("is an array of str, expected bool"), std::string::npos) << map.attention.note;
}

TEST(AttentionLayoutTest, IntegerArrayIsReadAsBools) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 3);
  b.kv_i32_array("gemma4.attention.sliding_window_pattern", {1, 0, -5});
  const LayerMap map = map_layers(parse(b));
  ASSERT_EQ(map.attention.kinds.size(), 3u);
  EXPECT_EQ(map.attention.kinds[0], AttentionKind::sliding);
  EXPECT_EQ(map.attention.kinds[1], AttentionKind::full);
  EXPECT_EQ(map.attention.kinds[2], AttentionKind::sliding);
  EXPECT_TRUE(map.attention.note.empty());
}

TEST(LayerRowsTest, HugeLayerNumberIsShownWithoutAbsentRows) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 2);
  b.f32_tensor("blk.4000000000.layer_output_scale.weight", {1}, {1.f});
  const LayerMap map = map_layers(parse(b));
  const auto rows = map.rows();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].tensor, nullptr);
  EXPECT_EQ(rows[1].tensor, nullptr);
  EXPECT_EQ(rows[2].layer, 4000000000u);
  ASSERT_NE(rows[2].tensor, nullptr);
  EXPECT_TRUE(rows[2].beyond_block_count);
  EXPECT_EQ(map.beyond_block_count(), map.tensors.size());
}

TEST(LayerRowsTest, ImplausibleBlockCountIsReportedNotLaidOut) {
  for (const std::uint64_t blocks : {UINT64_MAX, std::uint64_t{65537}, std::uint64_t{257}}) {
    GgufBuilder b;
    b.kv_str("general.architecture", "gemma4").kv_u64("gemma4.block_count", blocks);
    b.kv_bool_array("gemma4.attention.sliding_window_pattern", {true});
    b.f32_tensor("blk.1.layer_output_scale.weight", {1}, {1.f});
    const Model model = parse(b);
    const LayerMap map = map_layers(model);
    EXPECT_EQ(map.block_count, blocks);
    EXPECT_FALSE(map.table_blocks.has_value()) << blocks;
    const auto rows = map.rows();
    ASSERT_EQ(rows.size(), 1u) << blocks;  // the one target, no absent rows
    EXPECT_EQ(rows[0].layer, 1u);
    EXPECT_FALSE(rows[0].beyond_block_count);
    EXPECT_NE(map.note.find(fmt::format("gemma4.block_count is {}, implausible for a file of 1 tensors", blocks)),
              std::string::npos)
        << map.note;
    EXPECT_TRUE(map.attention.kinds.empty());
    EXPECT_NE(map.attention.note.find("is implausible"), std::string::npos) << map.attention.note;
    EXPECT_NO_THROW(check_patchable(model, map));  // layer 1 < block_count
  }
}

TEST(LayerRowsTest, SmallBlockCountIsLaidOutEvenWithoutTensors) {
  // A metadata-only first shard: 256 blocks and no tensors is still plausible.
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 256);
  const LayerMap map = map_layers(parse(b));
  EXPECT_EQ(map.table_blocks, 256u);
  EXPECT_EQ(map.rows().size(), 256u);
  EXPECT_TRUE(map.note.empty());
}

TEST(LayerMapTest, MessagesEscapeNamesFromTheFile) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gem\nma\x1b[31m").kv_u32("gem\nma\x1b[31m.block_count", 1);
  b.tensor({"blk.0.layer_output_scale.weight", 1, {1}, {}, {}});  // F16
  b.tensor({"blk.0.\x1b]0;x\x07.weight", 1, {1}, {}, {}});
  const Model model = parse(b);
  try {
    check_patchable(model, map_layers(model, "\x1b]0;x\x07.weight"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "tensor 'blk.0.\\x1b]0;x\\x07.weight' has type F16, expected F32");
  }
  b.kv_u32("gem\nma\x1b[31m.attention.sliding_window_pattern", 0);
  const LayerMap map = map_layers(parse(b));
  EXPECT_EQ(map.attention.note.find('\n'), std::string::npos);
  EXPECT_EQ(map.attention.note.find('\x1b'), std::string::npos);
  EXPECT_NE(map.attention.note.find("gem\\nma\\x1b[31m.attention"), std::string::npos) << map.attention.note;
  EXPECT_EQ(map.attention.source, "gem\nma\x1b[31m.attention.sliding_window_pattern");  // exact, for JSON
}

TEST(AttentionLayoutTest, MissingArchitectureOrKey) {
  GgufBuilder none;
  none.f32_tensor("blk.0.layer_output_scale.weight", {1}, {1.f});
  const LayerMap map = map_layers(parse(none));
  EXPECT_FALSE(map.block_count.has_value());
  EXPECT_EQ(map.rows().size(), 1u);
  EXPECT_TRUE(map.attention.kinds.empty());
  EXPECT_FALSE(map.attention.note.empty());
}

}  // namespace
}  // namespace f32patch::gguf
