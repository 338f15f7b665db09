// Split keys: reported truthfully, inconsistencies listed, never a refusal.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/gguf/split.hpp>

#include "support/gguf_writer.hpp"

namespace f32patch::gguf {
namespace {

using testing::GgufBuilder;

Model parse(const GgufBuilder& builder, const std::string& name = "gemma-4-31B-it-IQ1_M-00001-of-00003.gguf") {
  const auto bytes = builder.build();
  std::vector<std::byte> copy(bytes.size());
  std::memcpy(copy.data(), bytes.data(), bytes.size());
  return Model::parse(MappedFile::from_memory(std::move(copy), "/models/" + name));
}

GgufBuilder shard(std::uint16_t no, std::uint16_t count, std::int32_t total) {
  GgufBuilder b;
  b.kv_u16("split.no", no).kv_u16("split.count", count).kv_i32("split.tensors.count", total);
  b.f32_tensor("a", {1}, {1.f});
  return b;
}

TEST(SplitInfoTest, AbsentWithoutSplitKeys) {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4");
  EXPECT_FALSE(split_info(parse(b)).has_value());
}

TEST(SplitInfoTest, ConsistentShard) {
  const auto info = split_info(parse(shard(0, 3, 833)));
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->consistent());
  EXPECT_EQ(info->no, 0u);
  EXPECT_EQ(info->count, 3u);
  EXPECT_EQ(info->tensors_count, 833u);
  EXPECT_EQ(info->expected_file_name, "gemma-4-31B-it-IQ1_M-00001-of-00003.gguf");
  EXPECT_TRUE(info->problems.empty()) << info->problems.front();
}

TEST(SplitInfoTest, NoEqualToCountAndWrongTypes) {
  GgufBuilder b;
  b.kv_u64("split.no", UINT64_MAX).kv_u64("split.count", 0).kv_u32("split.tensors.count", 1);
  b.f32_tensor("a", {1}, {1.f});
  const auto info = split_info(parse(b));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->consistent());
  EXPECT_EQ(info->no, UINT64_MAX);  // reported as found, not wrapped to "shard 0"
  EXPECT_EQ(info->count, 0u);
  const std::vector<std::string> expected{
      "split.no has type u64, expected u16 (llama.cpp reads it as u16 and refuses other types)",
      "split.count has type u64, expected u16 (llama.cpp reads it as u16 and refuses other types)",
      "split.tensors.count has type u32, expected i32 (llama.cpp reads it as i32 and refuses other types)",
      "split.count is 0, expected 1 or more",
  };
  EXPECT_EQ(info->problems, expected);
  EXPECT_TRUE(info->expected_file_name.empty());
}

TEST(SplitInfoTest, IndexBeyondCount) {
  const auto info = split_info(parse(shard(3, 3, 10)));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->consistent());
  ASSERT_EQ(info->problems.size(), 1u);
  EXPECT_EQ(info->problems[0], "split.no is 3, but split.count is 3: shards are numbered 0 to 2");
}

TEST(SplitInfoTest, MissingKeysNegativeTotalAndTooFewTensors) {
  GgufBuilder b;
  b.kv_u16("split.count", 2).kv_i32("split.tensors.count", -1);
  const auto info = split_info(parse(b, "m-00001-of-00002.gguf"));
  ASSERT_TRUE(info.has_value());
  EXPECT_FALSE(info->consistent());
  const std::vector<std::string> expected{
      "split.tensors.count is -1, expected 0 or more",
      "split.no is missing (gguf-split writes split.no, split.count and split.tensors.count in every shard)",
  };
  EXPECT_EQ(info->problems, expected);

  const auto fewer = split_info(parse(shard(0, 2, 0), "m-00001-of-00002.gguf"));
  ASSERT_TRUE(fewer.has_value());
  ASSERT_EQ(fewer->problems.size(), 1u);
  EXPECT_EQ(fewer->problems[0], "split.tensors.count is 0, but this shard alone has 1 tensors");
}

TEST(SplitInfoTest, FileNameMustAgree) {
  const auto other = split_info(parse(shard(1, 3, 10), "m-00001-of-00003.gguf"));
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE(other->consistent());
  EXPECT_EQ(other->expected_file_name, "m-00002-of-00003.gguf");
  ASSERT_EQ(other->problems.size(), 1u);
  EXPECT_EQ(other->problems[0],
            "the file name says shard 1 of 3, but split.no and split.count say shard 2 of 3 "
            "(m-00002-of-00003.gguf); llama.cpp finds the shards by name");

  const auto unnamed = split_info(parse(shard(0, 2, 10), "model.gguf"));
  ASSERT_TRUE(unnamed.has_value());
  EXPECT_TRUE(unnamed->expected_file_name.empty());
  ASSERT_EQ(unnamed->problems.size(), 1u);
  EXPECT_EQ(unnamed->problems[0],
            "the file name does not end in -00001-of-00002.gguf, the suffix llama.cpp finds the other shards by");

  // A single shard needs no particular name.
  const auto single = split_info(parse(shard(0, 1, 10), "model.gguf"));
  ASSERT_TRUE(single.has_value());
  EXPECT_TRUE(single->problems.empty());
}

}  // namespace
}  // namespace f32patch::gguf
