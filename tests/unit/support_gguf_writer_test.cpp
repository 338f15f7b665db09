// Tests of the test-only GGUF writer (tests/support/gguf_writer.cpp): exact bytes for the
// docs/gguf-format.md section 1.9 worked example and its variants, offsets, KV encodings.
#include "support/gguf_writer.hpp"

#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/temp_dir.hpp"

namespace f32patch::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes slice(const Bytes& b, std::size_t from, std::size_t to) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from),
               b.begin() + static_cast<std::ptrdiff_t>(to));
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes le64(std::uint64_t v) {
  Bytes out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

Bytes le32(std::uint32_t v) {
  Bytes out;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return out;
}

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const Bytes k_magic = {'G', 'G', 'U', 'F'};
constexpr std::uint32_t k_f32 = 0;

// --- section 1.9 worked example ----------------------------------------------------------------

TEST(GgufWriter, WorkedExampleByteForByte) {
  GgufBuilder b;
  b.f32_tensor("s", {1}, {1.5f});

  EXPECT_EQ(b.header_size(), 57u);
  EXPECT_EQ(b.data_offset(), 64u);
  EXPECT_EQ(b.file_size(), 96u);
  EXPECT_EQ(b.tensor_offset("s"), 0u);
  EXPECT_EQ(b.tensor_file_offset("s"), 64u);

  const Bytes expected = cat({
      k_magic, {0x03, 0x00, 0x00, 0x00},        // version 3
      le64(1), le64(0),                         // 1 tensor, 0 KVs: 24 bytes
      le64(1), text("s"),                       // name
      {0x01, 0x00, 0x00, 0x00},                 // n_dims 1
      le64(1),                                  // ne[0] = 1
      {0x00, 0x00, 0x00, 0x00},                 // type F32
      le64(0),                                  // offset 0; ends at 57
      Bytes(7, 0),                              // padding to 64
      {0x00, 0x00, 0xC0, 0x3F},                 // 1.5f little-endian
      Bytes(28, 0),                             // tensor padding to 96
  });
  const Bytes got = b.build();
  ASSERT_EQ(got.size(), 96u);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(b.header(), slice(expected, 0, 57));
}

TEST(GgufWriter, WorkedExampleBigEndian) {
  GgufBuilder b;
  b.byte_order(ByteOrder::big).f32_tensor("s", {1}, {1.5f});
  const Bytes got = b.build();
  ASSERT_EQ(got.size(), 96u);

  const Bytes expected = cat({
      k_magic, {0x00, 0x00, 0x00, 0x03},
      {0, 0, 0, 0, 0, 0, 0, 1}, Bytes(8, 0),
      {0, 0, 0, 0, 0, 0, 0, 1}, text("s"),
      {0x00, 0x00, 0x00, 0x01},
      {0, 0, 0, 0, 0, 0, 0, 1},
      {0x00, 0x00, 0x00, 0x00},
      Bytes(8, 0),
      Bytes(7, 0),
      {0x3F, 0xC0, 0x00, 0x00},
      Bytes(28, 0),
  });
  EXPECT_EQ(got, expected);
}

TEST(GgufWriter, VersionTwoOnlyChangesTheVersionField) {
  GgufBuilder v3;
  v3.f32_tensor("s", {1}, {1.5f});
  GgufBuilder v2;
  v2.version(2).f32_tensor("s", {1}, {1.5f});
  Bytes a = v3.build();
  const Bytes b = v2.build();
  EXPECT_EQ(slice(b, 4, 8), (Bytes{0x02, 0x00, 0x00, 0x00}));
  a[4] = 0x02;
  EXPECT_EQ(a, b);
}

TEST(GgufWriter, ArbitraryVersionAndCountOverrides) {
  GgufBuilder b;
  b.version(0x03000000).tensor_count_override(std::numeric_limits<std::uint64_t>::max())
      .kv_count_override(7);
  b.kv_u8("a", 1);
  const Bytes got = b.build();
  EXPECT_EQ(slice(got, 4, 8), (Bytes{0x00, 0x00, 0x00, 0x03}));
  EXPECT_EQ(slice(got, 8, 16), Bytes(8, 0xFF));
  EXPECT_EQ(slice(got, 16, 24), le64(7));
  EXPECT_EQ(b.kv_count(), 1u);
  EXPECT_EQ(b.tensor_count(), 0u);
}

TEST(GgufWriter, ZeroTensorsStillPadsToTheAlignment) {
  GgufBuilder b;
  EXPECT_EQ(b.header_size(), 24u);
  EXPECT_EQ(b.data_offset(), 32u);
  EXPECT_EQ(b.file_size(), 32u);
  const Bytes got = b.build();
  EXPECT_EQ(got, cat({k_magic, le32(3), le64(0), le64(0), Bytes(8, 0)}));
}

// --- offsets and alignment ---------------------------------------------------------------------

TEST(GgufWriter, DefaultOffsetsAreThePaddedRunningSum) {
  GgufBuilder b;
  b.f32_tensor("a", {3}, {1, 2, 3})            // 12 bytes -> 32
      .f32_tensor("b", {5, 2}, std::vector<float>(10, 0.5f))  // 40 -> 64
      .f32_tensor("c", {1}, {4});              // 4 -> 32
  EXPECT_EQ(b.tensor_offset("a"), 0u);
  EXPECT_EQ(b.tensor_offset("b"), 32u);
  EXPECT_EQ(b.tensor_offset("c"), 96u);
  EXPECT_EQ(b.data_offset() % 32, 0u);
  EXPECT_EQ(b.file_size(), b.data_offset() + 128);
  const Bytes got = b.build();
  ASSERT_EQ(got.size(), b.file_size());
  // c's data sits at data_offset + 96.
  EXPECT_EQ(slice(got, b.data_offset() + 96, b.data_offset() + 100),
            (Bytes{0x00, 0x00, 0x80, 0x40}));
}

TEST(GgufWriter, AlignmentOneWritesTheKeyAndPacksTensors) {
  GgufBuilder b;
  b.alignment(1).f32_tensor("a", {3}, {1, 2, 3}).f32_tensor("b", {5}, {1, 2, 3, 4, 5});
  EXPECT_EQ(b.kv_count(), 1u);
  EXPECT_EQ(b.data_alignment(), 1u);
  EXPECT_EQ(b.tensor_offset("a"), 0u);
  EXPECT_EQ(b.tensor_offset("b"), 12u);
  EXPECT_EQ(b.data_offset(), b.header_size());
  EXPECT_EQ(b.file_size(), b.header_size() + 32);

  const Bytes got = b.build();
  // The general.alignment record right after the 24-byte header.
  const std::string key = "general.alignment";
  const Bytes record = cat({le64(key.size()), text(key), le32(4), le32(1)});
  EXPECT_EQ(slice(got, 24, 24 + record.size()), record);
}

TEST(GgufWriter, AlignmentSixtyFour) {
  GgufBuilder b;
  b.alignment(64).f32_tensor("a", {3}, {1, 2, 3}).f32_tensor("b", {20}, std::vector<float>(20, 1));
  EXPECT_EQ(b.tensor_offset("a"), 0u);
  EXPECT_EQ(b.tensor_offset("b"), 64u);
  EXPECT_EQ(b.data_offset() % 64, 0u);
  EXPECT_GE(b.data_offset(), b.header_size());
  EXPECT_LT(b.data_offset() - b.header_size(), 64u);
  EXPECT_EQ(b.file_size(), b.data_offset() + 64 + 128);
  const Bytes got = b.build();
  EXPECT_EQ(got.size(), b.file_size());
  const std::string key = "general.alignment";
  EXPECT_EQ(slice(got, 24, 24 + 8 + key.size() + 8),
            cat({le64(key.size()), text(key), le32(4), le32(64)}));
}

TEST(GgufWriter, DataAlignmentWithoutKeyGivesInconsistentOffsets) {
  GgufBuilder b;
  b.data_alignment(1).f32_tensor("a", {3}, {1, 2, 3}).f32_tensor("b", {1}, {1});
  EXPECT_EQ(b.kv_count(), 0u);
  EXPECT_EQ(b.tensor_offset("b"), 12u);
  EXPECT_EQ(b.data_offset(), b.header_size());
}

TEST(GgufWriter, ExplicitOffsetOverridesOnlyThatTensor) {
  GgufBuilder b;
  b.f32_tensor("a", {3}, {1, 2, 3});
  b.tensor(TensorSpec{"b", k_f32, {5}, std::uint64_t{1000}, {}});
  b.f32_tensor("c", {1}, {2});
  EXPECT_EQ(b.tensor_offset("a"), 0u);
  EXPECT_EQ(b.tensor_offset("b"), 1000u);
  EXPECT_EQ(b.tensor_offset("c"), 64u);  // the default sequence continues: 32 + 32
  EXPECT_EQ(b.file_size(), b.data_offset() + 96);

  const Bytes header = b.header();
  // b's info record ends its header part with the offset: find it after the name.
  const Bytes b_info = cat({le64(1), text("b"), le32(1), le64(5), le32(k_f32), le64(1000)});
  const Bytes c_info = cat({le64(1), text("c"), le32(1), le64(1), le32(k_f32), le64(64)});
  const std::size_t a_info_size = 8 + 1 + 4 + 8 + 4 + 8;
  EXPECT_EQ(slice(header, 24 + a_info_size, 24 + a_info_size + b_info.size()), b_info);
  EXPECT_EQ(slice(header, header.size() - c_info.size(), header.size()), c_info);
}

TEST(GgufWriter, DataOutsideTheFileIsRejectedByBuildAndWrite) {
  GgufBuilder b;
  b.tensor(TensorSpec{"x", k_f32, {1}, std::uint64_t{4096}, encode_f32({1.0f}, ByteOrder::little)});
  EXPECT_THROW(b.build(), std::runtime_error);
  TempDir dir;
  EXPECT_THROW(b.write(dir.file("x.gguf")), std::runtime_error);
  // Without data the same lie is fine: the reader tests need it.
  GgufBuilder lie;
  lie.tensor(TensorSpec{"x", k_f32, {1}, std::numeric_limits<std::uint64_t>::max(), {}});
  EXPECT_EQ(lie.build().size(), lie.file_size());
}

TEST(GgufWriter, BuildPrefixTruncatesAndPads) {
  GgufBuilder b;
  b.f32_tensor("s", {1}, {1.5f});
  const Bytes full = b.build();
  EXPECT_EQ(b.build_prefix(95), slice(full, 0, 95));
  EXPECT_EQ(b.build_prefix(10), slice(full, 0, 10));
  EXPECT_EQ(b.build_prefix(66), slice(full, 0, 66));
  const Bytes longer = b.build_prefix(100);
  EXPECT_EQ(slice(longer, 0, 96), full);
  EXPECT_EQ(slice(longer, 96, 100), Bytes(4, 0));
}

TEST(GgufWriter, HugeDeclaredSizesNeedBuildPrefix) {
  // DATA_MEM_SIZE_OVERFLOW-style: two I8 tensors of 0x7FFFFFFFFFFFFFC0 elements.
  GgufBuilder b;
  b.tensor(TensorSpec{"a", 24, {0x7FFFFFFFFFFFFFC0}, {}, {}});
  b.tensor(TensorSpec{"b", 24, {0x7FFFFFFFFFFFFFC0}, {}, {}});
  EXPECT_EQ(b.tensor_offset("b"), 0x7FFFFFFFFFFFFFC0u);
  EXPECT_THROW(b.build(), std::runtime_error);
  EXPECT_EQ(b.build_prefix(b.data_offset() + 32).size(), b.data_offset() + 32);
}

// --- tensor infos ------------------------------------------------------------------------------

TEST(GgufWriter, RawDimsAndTypesAreWrittenAsGiven) {
  GgufBuilder b;
  b.tensor(TensorSpec{"t", 43, {1, 2, 3, 4, 5}, {}, {}});
  b.tensor(TensorSpec{"n", k_f32, {-1}, {}, {}});
  const Bytes header = b.header();
  const Bytes t_info = cat({le64(1), text("t"), le32(5), le64(1), le64(2), le64(3), le64(4),
                            le64(5), le32(43), le64(0)});
  EXPECT_EQ(slice(header, 24, 24 + t_info.size()), t_info);
  const Bytes n_info = cat({le64(1), text("n"), le32(1), Bytes(8, 0xFF), le32(0), le64(0)});
  EXPECT_EQ(slice(header, 24 + t_info.size(), header.size()), n_info);
  EXPECT_EQ(b.file_size(), b.data_offset());  // both sizes are 0 (invalid)
}

TEST(GgufWriter, TensorWithoutDataIsZeros) {
  GgufBuilder b;
  b.tensor(TensorSpec{"z", k_f32, {16}, {}, {}});
  const Bytes got = b.build();
  ASSERT_EQ(got.size(), b.data_offset() + 64);
  EXPECT_EQ(slice(got, b.data_offset(), got.size()), Bytes(64, 0));
}

TEST(GgufWriter, TensorBytes) {
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {1}), 4u);
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {}), 4u);  // n_dims 0: a scalar
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {3, 4, 5, 6}), 4u * 360);
  EXPECT_EQ(GgufBuilder::tensor_bytes(2, {64, 2}), 2u * 18 * 2);         // Q4_0
  EXPECT_EQ(GgufBuilder::tensor_bytes(29, {5376, 4096}), 4816896u);      // IQ1_M
  EXPECT_EQ(GgufBuilder::tensor_bytes(13, {5376, 262144}), 968884224u);  // Q5_K
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {5, 0}), 0u);                   // zero dim: valid, 0
  EXPECT_EQ(GgufBuilder::tensor_bytes(2, {33}), 0u);                     // not whole blocks
  EXPECT_EQ(GgufBuilder::tensor_bytes(4, {32}), 0u);                     // removed type
  EXPECT_EQ(GgufBuilder::tensor_bytes(43, {1}), 0u);                     // beyond the table
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {-1}), 0u);
  EXPECT_EQ(GgufBuilder::tensor_bytes(27, {INT64_MAX / 4}), UINT64_MAX - 7);  // I64: fits
  EXPECT_EQ(GgufBuilder::tensor_bytes(27, {INT64_MAX / 2}), 0u);         // I64: overflows
  EXPECT_EQ(GgufBuilder::tensor_bytes(0, {INT64_MAX / 2, INT64_MAX / 2}), 0u);
}

// --- KV encodings ------------------------------------------------------------------------------

// The bytes of the single KV record of a builder (after the 24-byte header).
Bytes record_of(const GgufBuilder& b) {
  const Bytes header = b.header();
  return slice(header, 24, header.size());
}

Bytes key_bytes(const std::string& k) { return cat({le64(k.size()), text(k)}); }

TEST(GgufWriter, ScalarKvEncodings) {
  struct Case {
    const char* what;
    GgufBuilder builder;
    Bytes expected;
  };
  std::vector<Case> cases;
  cases.push_back({"u8", GgufBuilder().kv_u8("k", 0xAB), cat({key_bytes("k"), le32(0), {0xAB}})});
  cases.push_back({"i8", GgufBuilder().kv_i8("k", -2), cat({key_bytes("k"), le32(1), {0xFE}})});
  cases.push_back(
      {"u16", GgufBuilder().kv_u16("k", 0x1234), cat({key_bytes("k"), le32(2), {0x34, 0x12}})});
  cases.push_back(
      {"i16", GgufBuilder().kv_i16("k", -2), cat({key_bytes("k"), le32(3), {0xFE, 0xFF}})});
  cases.push_back(
      {"u32", GgufBuilder().kv_u32("k", 0x01020304), cat({key_bytes("k"), le32(4), le32(0x01020304)})});
  cases.push_back(
      {"i32", GgufBuilder().kv_i32("k", -1), cat({key_bytes("k"), le32(5), le32(0xFFFFFFFF)})});
  cases.push_back({"f32", GgufBuilder().kv_f32("k", 1.0f),
                   cat({key_bytes("k"), le32(6), {0x00, 0x00, 0x80, 0x3F}})});
  cases.push_back({"bool", GgufBuilder().kv_bool("k", true), cat({key_bytes("k"), le32(7), {0x01}})});
  cases.push_back(
      {"str", GgufBuilder().kv_str("key", "abc"), cat({key_bytes("key"), le32(8), le64(3), text("abc")})});
  cases.push_back({"u64", GgufBuilder().kv_u64("k", 0x0102030405060708),
                   cat({key_bytes("k"), le32(10), le64(0x0102030405060708)})});
  cases.push_back(
      {"i64", GgufBuilder().kv_i64("k", -1), cat({key_bytes("k"), le32(11), Bytes(8, 0xFF)})});
  cases.push_back({"f64", GgufBuilder().kv_f64("k", 1.0),
                   cat({key_bytes("k"), le32(12), {0, 0, 0, 0, 0, 0, 0xF0, 0x3F}})});
  for (const Case& c : cases) {
    EXPECT_EQ(record_of(c.builder), c.expected) << c.what;
    EXPECT_EQ(c.builder.header_size(), 24 + c.expected.size()) << c.what;
  }
}

TEST(GgufWriter, ArrayKvEncodings) {
  EXPECT_EQ(record_of(GgufBuilder().kv_bool_array("k", {true, false, true})),
            cat({key_bytes("k"), le32(9), le32(7), le64(3), {1, 0, 1}}));
  EXPECT_EQ(record_of(GgufBuilder().kv_i32_array("k", {16, -4})),
            cat({key_bytes("k"), le32(9), le32(5), le64(2), le32(16), le32(0xFFFFFFFC)}));
  EXPECT_EQ(record_of(GgufBuilder().kv_u32_array("k", {7})),
            cat({key_bytes("k"), le32(9), le32(4), le64(1), le32(7)}));
  EXPECT_EQ(record_of(GgufBuilder().kv_f32_array("k", {-1000.0f})),
            cat({key_bytes("k"), le32(9), le32(6), le64(1), {0x00, 0x00, 0x7A, 0xC4}}));
  EXPECT_EQ(record_of(GgufBuilder().kv_str_array("k", {"a", "", "bc"})),
            cat({key_bytes("k"), le32(9), le32(8), le64(3), le64(1), text("a"), le64(0), le64(2),
                 text("bc")}));
  EXPECT_EQ(record_of(GgufBuilder().kv_str_array("k", {})),
            cat({key_bytes("k"), le32(9), le32(8), le64(0)}));
}

TEST(GgufWriter, GeneratedArraysMatchMaterialisedOnes) {
  const std::vector<std::string> strs = {"x", "yy", "\xE2\x96\x81z"};
  EXPECT_EQ(record_of(GgufBuilder().kv_str_array_gen("k", 3, [&](std::uint64_t i) { return strs[i]; })),
            record_of(GgufBuilder().kv_str_array("k", strs)));
  const std::vector<float> fs = {0.5f, -1.0f, 3.25f};
  EXPECT_EQ(record_of(GgufBuilder().kv_f32_array_gen("k", 3, [&](std::uint64_t i) { return fs[i]; })),
            record_of(GgufBuilder().kv_f32_array("k", fs)));
  const std::vector<std::int32_t> is = {1, -2, 3};
  EXPECT_EQ(record_of(GgufBuilder().kv_i32_array_gen("k", 3, [&](std::uint64_t i) { return is[i]; })),
            record_of(GgufBuilder().kv_i32_array("k", is)));
}

TEST(GgufWriter, RawKvIsVerbatim) {
  EXPECT_EQ(record_of(GgufBuilder().kv_raw("k", 13, {0xDE, 0xAD})),
            cat({key_bytes("k"), le32(13), {0xDE, 0xAD}}));
  // A nested array: ARRAY of ARRAY, payload given by hand.
  const Bytes payload = cat({le32(9), le64(0)});
  EXPECT_EQ(record_of(GgufBuilder().kv_raw("k", 9, payload)), cat({key_bytes("k"), le32(9), payload}));
}

TEST(GgufWriter, BigEndianKvEncodings) {
  GgufBuilder b;
  b.byte_order(ByteOrder::big).kv_u32("k", 0x01020304);
  EXPECT_EQ(record_of(b), cat({{0, 0, 0, 0, 0, 0, 0, 1}, text("k"), {0, 0, 0, 4}, {1, 2, 3, 4}}));
  GgufBuilder arr;
  arr.byte_order(ByteOrder::big).kv_i32_array("k", {2});
  EXPECT_EQ(record_of(arr), cat({{0, 0, 0, 0, 0, 0, 0, 1}, text("k"), {0, 0, 0, 9}, {0, 0, 0, 5},
                                 {0, 0, 0, 0, 0, 0, 0, 1}, {0, 0, 0, 2}}));
  const Bytes head = arr.header();
  EXPECT_EQ(slice(head, 0, 4), k_magic);
  EXPECT_EQ(slice(head, 4, 8), (Bytes{0, 0, 0, 3}));
}

TEST(GgufWriter, EncodeF32) {
  EXPECT_EQ(encode_f32({1.0f, -2.0f}, ByteOrder::little),
            (Bytes{0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0}));
  EXPECT_EQ(encode_f32({1.0f}, ByteOrder::big), (Bytes{0x3F, 0x80, 0x00, 0x00}));
  EXPECT_TRUE(encode_f32({}, ByteOrder::little).empty());
}

TEST(GgufWriter, UnknownTensorNameThrows) {
  GgufBuilder b;
  EXPECT_THROW((void)b.tensor_offset("missing"), std::out_of_range);
}

// --- write() -----------------------------------------------------------------------------------

TEST(GgufWriter, WriteMatchesBuildAndIsSparse) {
  GgufBuilder b;
  b.kv_str("general.architecture", "test")
      .f32_tensor("a", {3}, {1, 2, 3})
      .tensor(TensorSpec{"hole", 0, {1024, 1024}, {}, {}})  // 4 MiB of nothing
      .f32_tensor("z", {1}, {7});
  TempDir dir;
  const std::string path = dir.file("t.gguf");
  b.write(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), b.file_size());
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, std::uint64_t{1} << 20);
  EXPECT_EQ(read_file(path), b.build());

  // Rewriting a path truncates what was there.
  GgufBuilder small;
  small.write(path);
  EXPECT_EQ(read_file(path), small.build());
}

TEST(GgufWriter, WriteToMissingDirectoryThrows) {
  TempDir dir;
  EXPECT_THROW(GgufBuilder().write(dir.file("no/such/dir.gguf")), std::runtime_error);
  EXPECT_THROW(write_file_bytes(dir.file("no/such/dir.gguf"), {1, 2}), std::runtime_error);
}

TEST(GgufWriter, WriteFileBytes) {
  TempDir dir;
  write_file_bytes(dir.file("b"), {1, 2, 3});
  EXPECT_EQ(read_file(dir.file("b")), (Bytes{1, 2, 3}));
}

}  // namespace
}  // namespace f32patch::testing
