// The reader on valid files: what it exposes for both byte orders and both versions, that it
// refuses every truncation of a valid file cleanly, and that it reads the full-size Gemma 4 31B
// header (a sparse 7.7 GB file) with the offsets gguf-format.md §6.2 gives.
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>

#include "support/gemma4_fixture.hpp"
#include "support/gguf_writer.hpp"
#include "support/temp_dir.hpp"

namespace f32patch::gguf {
namespace {

using testing::GgufBuilder;

Model parse_bytes(const std::vector<std::uint8_t>& bytes) {
  std::vector<std::byte> copy(bytes.size());
  if (!bytes.empty()) std::memcpy(copy.data(), bytes.data(), bytes.size());
  return Model::parse(MappedFile::from_memory(std::move(copy), "mem.gguf"));
}

GgufBuilder every_type(ByteOrder order, std::uint32_t version) {
  GgufBuilder b;
  b.byte_order(order).version(version);
  b.kv_str("general.architecture", "gemma4").kv_str("general.name", "Tiny");
  b.kv_u8("t.u8", 250).kv_i8("t.i8", -7).kv_u16("t.u16", 65000).kv_i16("t.i16", -32000);
  b.kv_u32("gemma4.block_count", 3).kv_i32("t.i32", -123456).kv_f32("t.f32", 0.1f);
  b.kv_bool("t.bool", true).kv_u64("t.u64", 0xFEDCBA9876543210ull).kv_i64("t.i64", INT64_MIN);
  b.kv_f64("t.f64", -0.0);
  b.kv_bool_array("gemma4.attention.sliding_window_pattern", {true, false, true});
  b.kv_i32_array("t.ai32", {-1, 2, -3});
  b.kv_f32_array("t.af32", {1.5f, -2.25f});
  b.kv_str_array("t.astr", {"<pad>", "", "▁hello"});
  b.f32_tensor("output_norm.weight", {4}, {1.f, 2.f, 3.f, 4.f});
  b.f32_tensor("blk.0.layer_output_scale.weight", {1}, {0.5f});
  b.tensor({"blk.0.attn_q.weight", 12, {256, 2}, {}, {}});  // Q4_K, 2 rows of one block
  b.f32_tensor("blk.1.layer_output_scale.weight", {1}, {-0.0f});
  b.f32_tensor("blk.2.layer_output_scale.weight", {1}, {1e-30f});
  return b;
}

struct Variant {
  ByteOrder order;
  std::uint32_t version;
};

class ReaderVariantTest : public ::testing::TestWithParam<Variant> {};

TEST_P(ReaderVariantTest, ExposesHeaderMetadataAndTensors) {
  const auto [order, version] = GetParam();
  const GgufBuilder builder = every_type(order, version);
  const Model model = parse_bytes(builder.build());

  EXPECT_EQ(model.version(), version);
  EXPECT_EQ(model.byte_order(), order);
  EXPECT_EQ(model.alignment(), 32u);
  EXPECT_EQ(model.data_offset(), builder.data_offset());
  EXPECT_EQ(model.header_size(), builder.header_size());
  EXPECT_EQ(model.file_size(), builder.file_size());
  EXPECT_EQ(model.architecture(), "gemma4");
  EXPECT_EQ(model.block_count(), 3u);

  EXPECT_EQ(model.find("t.u8")->as_uint(), 250u);
  EXPECT_EQ(model.find("t.i8")->as_int(), -7);
  EXPECT_EQ(model.find("t.u16")->as_uint(), 65000u);
  EXPECT_EQ(model.find("t.i16")->as_int(), -32000);
  EXPECT_EQ(model.find("t.i32")->as_int(), -123456);
  EXPECT_EQ(model.find("t.i32")->as_uint(), std::nullopt);
  EXPECT_EQ(model.find("t.f32")->as_float(), static_cast<double>(0.1f));
  EXPECT_EQ(model.find("t.bool")->as_bool(), true);
  EXPECT_EQ(model.find("t.u64")->as_uint(), 0xFEDCBA9876543210ull);
  EXPECT_EQ(model.find("t.i64")->as_int(), INT64_MIN);
  EXPECT_TRUE(std::signbit(*model.find("t.f64")->as_float()));
  EXPECT_EQ(model.find("general.name")->as_string(), "Tiny");
  EXPECT_EQ(model.find("general.name")->type, ValueType::string);
  EXPECT_EQ(model.find("missing.key"), nullptr);

  const ArrayView* ints = model.find("t.ai32")->as_array();
  ASSERT_NE(ints, nullptr);
  EXPECT_EQ(ints->element_type, ValueType::int32);
  EXPECT_EQ(ints->count, 3u);
  EXPECT_EQ(model.array_int(*ints, 0), -1);
  EXPECT_EQ(model.array_int(*ints, 2), -3);
  const ArrayView* floats = model.find("t.af32")->as_array();
  EXPECT_EQ(model.array_float(*floats, 1), -2.25);
  const ArrayView* strings = model.find("t.astr")->as_array();
  EXPECT_EQ(strings->count, 3u);
  const auto first = model.array_strings(*strings, 10);
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0], "<pad>");
  EXPECT_EQ(first[1], "");
  EXPECT_EQ(first[2], "▁hello");
  EXPECT_EQ(model.array_strings(*strings, 1).size(), 1u);

  ASSERT_EQ(model.tensors().size(), 5u);
  const TensorInfo* norm = model.find_tensor("output_norm.weight");
  ASSERT_NE(norm, nullptr);
  EXPECT_EQ(norm->index, 0u);
  EXPECT_EQ(norm->n_dims, 1u);
  EXPECT_EQ(norm->element_count, 4u);
  EXPECT_EQ(norm->byte_size, 16u);
  EXPECT_EQ(norm->file_offset, builder.data_offset());
  EXPECT_EQ(model.read_f32(*norm, 3), 4.f);
  const TensorInfo* q = model.find_tensor("blk.0.attn_q.weight");
  EXPECT_EQ(q->type, TensorType::Q4_K);
  EXPECT_EQ(q->byte_size, 2u * 144u);
  EXPECT_EQ(q->dims[0], 256u);
  EXPECT_EQ(q->dims[1], 2u);
  EXPECT_EQ(q->relative_offset, builder.tensor_offset("blk.0.attn_q.weight"));
  EXPECT_EQ(q->file_offset, model.data_offset() + q->relative_offset);
  const TensorInfo* s1 = model.find_tensor("blk.1.layer_output_scale.weight");
  EXPECT_EQ(model.read_f32_bits(*s1), 0x80000000u);  // -0.0 survives in either byte order
  EXPECT_EQ(model.read_f32(*model.find_tensor("blk.2.layer_output_scale.weight")), 1e-30f);
}

INSTANTIATE_TEST_SUITE_P(ByteOrdersAndVersions, ReaderVariantTest,
                         ::testing::Values(Variant{ByteOrder::little, 3}, Variant{ByteOrder::big, 3},
                                           Variant{ByteOrder::little, 2}, Variant{ByteOrder::big, 2}),
                         [](const auto& param_info) {
                           return std::string(param_info.param.order == ByteOrder::little ? "LE" : "BE") + "_v" +
                                  std::to_string(param_info.param.version);
                         });

TEST(ReaderTest, BigEndianFileHasBigEndianBytes) {
  const auto bytes = every_type(ByteOrder::big, 3).build();
  EXPECT_EQ(std::memcmp(bytes.data(), "GGUF", 4), 0);
  EXPECT_EQ(bytes[4], 0);
  EXPECT_EQ(bytes[7], 3);
  const auto le = parse_bytes(every_type(ByteOrder::little, 3).build());
  const auto be = parse_bytes(bytes);
  const auto* a = le.find_tensor("blk.0.layer_output_scale.weight");
  const auto* b = be.find_tensor("blk.0.layer_output_scale.weight");
  EXPECT_EQ(le.read_f32(*a), be.read_f32(*b));
}

TEST(ReaderTest, EveryTruncationIsACleanError) {
  const auto bytes = every_type(ByteOrder::little, 3).build();
  const Model whole = parse_bytes(bytes);
  // The last byte any tensor needs; after it only padding follows, which is not required.
  std::uint64_t needed = 0;
  for (const auto& t : whole.tensors()) needed = std::max(needed, t.file_offset + t.byte_size);
  ASSERT_LT(needed, bytes.size());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(length));
    if (length < needed) {
      try {
        parse_bytes(prefix);
        ADD_FAILURE() << "a prefix of " << length << " bytes parsed";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_gguf) << length;
        EXPECT_FALSE(e.message().empty());
      }
    } else {
      EXPECT_NO_THROW(parse_bytes(prefix)) << length;
    }
  }
}

TEST(ReaderTest, TruncationMessageSaysWhereTheFileEnds) {
  const auto bytes = every_type(ByteOrder::little, 3).build();
  const Model whole = parse_bytes(bytes);
  const TensorInfo& third = whole.tensors()[2];
  const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(third.info_offset + 10));
  try {
    parse_bytes(prefix);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "file ends at byte " + std::to_string(prefix.size()) +
                               " while reading the name of tensor info 3 of 5 (19 bytes needed at byte " +
                               std::to_string(third.info_offset + 8) + ")");
    EXPECT_NE(e.hint().find("truncated"), std::string::npos);
  }
}

TEST(ReaderTest, DataPastEndOfFileNamesTensorAndSizes) {
  auto bytes = every_type(ByteOrder::little, 3).build();
  const Model whole = parse_bytes(bytes);
  const TensorInfo* q = whole.find_tensor("blk.0.attn_q.weight");
  bytes.resize(static_cast<std::size_t>(q->file_offset + 100));
  try {
    parse_bytes(bytes);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "tensor 'blk.0.attn_q.weight': data ends at byte " +
                               std::to_string(q->file_offset + q->byte_size) + ", past end of file (" +
                               std::to_string(bytes.size()) + " bytes)");
  }
}

TEST(ReaderTest, OpensFilesReadOnlyAndReportsPaths) {
  testing::TempDir dir;
  const std::string path = dir.file("model.gguf");
  every_type(ByteOrder::little, 3).write(path);
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  const Model model = Model::open(path);
  EXPECT_EQ(model.path(), path);
  EXPECT_EQ(model.tensors().size(), 5u);

  try {
    Model::open(dir.path());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_gguf);
    EXPECT_EQ(e.message(), "is a directory, not a GGUF file");
  }
  try {
    Model::open(dir.file("missing.gguf"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::io);
    EXPECT_NE(e.message().find("No such file"), std::string::npos);
  }
  const std::string empty = dir.file("empty.gguf");
  std::ofstream(empty).close();
  try {
    Model::open(empty);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_gguf);
    EXPECT_EQ(e.message(), "file is empty (0 bytes)");
    EXPECT_EQ(e.path(), empty);
  }
}

TEST(ReaderTest, CustomAlignmentMovesTheDataSection) {
  GgufBuilder b;
  b.alignment(64).f32_tensor("a", {3}, {1, 2, 3}).f32_tensor("b", {1}, {4});
  const Model model = parse_bytes(b.build());
  EXPECT_EQ(model.alignment(), 64u);
  EXPECT_EQ(model.data_offset() % 64, 0u);
  EXPECT_EQ(model.find_tensor("b")->relative_offset, 64u);
  EXPECT_EQ(model.read_f32(*model.find_tensor("b")), 4.f);
}

// The full-size Gemma 4 31B-shaped header of gguf-format.md §6, as a sparse 7.7 GB file.
class Gemma31bTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir = new testing::TempDir();
    path = dir->file("gemma-4-31B-shaped.gguf");
    builder = new GgufBuilder(testing::gemma4_builder(testing::gemma4_31b()));
    builder->write(path);
  }
  static void TearDownTestSuite() {
    delete builder;
    delete dir;
  }
  static inline testing::TempDir* dir = nullptr;
  static inline GgufBuilder* builder = nullptr;
  static inline std::string path;
};

TEST_F(Gemma31bTest, HeaderMatchesTheFixtureSpec) {
  const Model model = Model::open(path);
  EXPECT_EQ(model.file_size(), builder->file_size());
  EXPECT_GT(model.file_size(), 7'700'000'000u);
  EXPECT_EQ(model.tensors().size(), 833u);
  EXPECT_EQ(model.metadata().size(), 51u);
  EXPECT_EQ(model.data_offset(), builder->data_offset());
  EXPECT_EQ(model.data_offset() % 32, 0u);
  EXPECT_GT(model.data_offset(), 15'000'000u);
  EXPECT_EQ(model.file_size() - model.data_offset(), 7'710'039'936u);
  EXPECT_EQ(model.block_count(), 60u);

  const ArrayView* tokens = model.find("tokenizer.ggml.tokens")->as_array();
  ASSERT_NE(tokens, nullptr);
  EXPECT_EQ(tokens->count, 262144u);
  EXPECT_EQ(model.find("tokenizer.ggml.merges")->as_array()->count, 514906u);
  const auto first = model.array_strings(*tokens, 3);
  EXPECT_EQ(first[0], "<pad>");
  EXPECT_EQ(first[2], "<bos>");
  EXPECT_EQ(model.find("tokenizer.chat_template")->as_string()->size(), 12767u);

  const std::uint64_t base = model.data_offset();
  EXPECT_EQ(model.find_tensor("output_norm.weight")->file_offset, base);
  EXPECT_EQ(model.find_tensor("rope_freqs.weight")->file_offset, base + 21'504);
  EXPECT_EQ(model.find_tensor("token_embd.weight")->file_offset, base + 22'528);
  EXPECT_EQ(model.find_tensor("token_embd.weight")->type, TensorType::Q5_K);
  EXPECT_EQ(model.find_tensor("blk.0.layer_output_scale.weight")->file_offset, base + 1'090'492'416);
  EXPECT_EQ(model.find_tensor("blk.25.layer_output_scale.weight")->file_offset, base + 3'936'391'968);
  EXPECT_EQ(model.find_tensor("blk.59.layer_output_scale.weight")->file_offset, base + 7'709'996'896);

  std::size_t f32 = 0;
  for (const auto& t : model.tensors()) f32 += t.type == TensorType::F32;
  EXPECT_EQ(f32, 422u);
}

TEST_F(Gemma31bTest, LayerTableHasSixtyRowsWithAttentionKindsAndValues) {
  const Model model = Model::open(path);
  const LayerMap layers = map_layers(model);
  EXPECT_EQ(layers.rows().size(), 60u);
  ASSERT_EQ(layers.tensors.size(), 60u);
  ASSERT_EQ(layers.attention.kinds.size(), 60u);
  EXPECT_EQ(layers.attention.source, "gemma4.attention.sliding_window_pattern");
  EXPECT_TRUE(layers.attention.note.empty());
  for (std::uint32_t layer = 0; layer < 60; ++layer) {
    const auto expected = (layer + 1) % 6 == 0 ? AttentionKind::full : AttentionKind::sliding;
    EXPECT_EQ(layers.attention.kinds[layer], expected) << layer;
    const TensorInfo* t = layers.tensors.at(layer);
    EXPECT_EQ(t->name, testing::gemma4_scale_tensor_name(layer));
    EXPECT_EQ(model.read_f32(*t), testing::default_layer_scale(layer));
  }
  EXPECT_NO_THROW(check_patchable(model, layers));
}

TEST_F(Gemma31bTest, SparseFileCostsLittleDisk) {
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, 64u << 20);
}

}  // namespace
}  // namespace f32patch::gguf
