// The reader's reject paths, as one table: every handcrafted case of llama.cpp's test-gguf.cpp
// (gguf-format.md §3.3) plus the extra fixtures of §6, each with the outcome we expect and the
// words the error must contain. A case is built by the test writer, then optionally has bytes
// overwritten, so each one differs from a valid file in exactly one way.
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>

#include "support/gguf_writer.hpp"

namespace f32patch::gguf {
namespace {

using testing::GgufBuilder;
using Bytes = std::vector<std::uint8_t>;

Model parse_bytes(const Bytes& bytes, const std::string& name = "case.gguf") {
  std::vector<std::byte> copy(bytes.size());
  if (!bytes.empty()) std::memcpy(copy.data(), bytes.data(), bytes.size());
  return Model::parse(MappedFile::from_memory(std::move(copy), name));
}

void put_u64(Bytes& bytes, std::size_t at, std::uint64_t value) { std::memcpy(bytes.data() + at, &value, 8); }
void put_u32(Bytes& bytes, std::size_t at, std::uint32_t value) { std::memcpy(bytes.data() + at, &value, 4); }

GgufBuilder with_kvs(ByteOrder order = ByteOrder::little) {
  GgufBuilder b;
  b.byte_order(order);  // before any key: the builder encodes each record as it is added
  b.kv_str("general.architecture", "gemma4").kv_u32("gemma4.block_count", 2);
  return b;
}

GgufBuilder with_tensors(ByteOrder order = ByteOrder::little) {
  GgufBuilder b = with_kvs(order);
  b.f32_tensor("output_norm.weight", {8}, {1, 2, 3, 4, 5, 6, 7, 8});
  b.f32_tensor("blk.0.layer_output_scale.weight", {1}, {0.5f});
  b.f32_tensor("blk.1.layer_output_scale.weight", {1}, {0.25f});  // last: 4 bytes + 28 of padding
  return b;
}

// Offset of the first key record (right after the 24-byte header).
constexpr std::size_t k_first_key = 24;

struct Case {
  std::string name;
  std::function<Bytes()> make;
  std::string expect;  // empty: must parse; else a substring of the error message
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> cases() {
  std::vector<Case> c;
  // ---- header (test-gguf codes < 1000)
  c.push_back({"HEADER_BAD_MAGIC", [] { auto b = with_kvs().build(); std::memcpy(b.data(), "FUGG", 4); return b; },
               "FUGG"});
  c.push_back({"HEADER_BAD_VERSION_0", [] { auto b = with_kvs().build(); put_u32(b, 4, 0); return b; },
               "unsupported GGUF version 0"});
  c.push_back({"HEADER_BAD_VERSION_1", [] { auto b = with_kvs().build(); put_u32(b, 4, 1); return b; },
               "version 1 is not supported"});
  c.push_back({"HEADER_BAD_VERSION_FUTURE", [] { auto b = with_kvs().build(); put_u32(b, 4, 4); return b; },
               "unsupported GGUF version 4"});
  c.push_back({"HEADER_VERSION_BE_MISMATCH", [] { auto b = with_kvs().build(); put_u32(b, 4, 0x04000000); return b; },
               "unsupported GGUF version 4"});
  c.push_back({"HEADER_BAD_N_TENSORS", [] { return with_kvs().tensor_count_override(UINT64_MAX).build(); },
               "tensor count is 18446744073709551615"});
  c.push_back({"HEADER_BAD_N_KV", [] { return with_kvs().kv_count_override(UINT64_MAX).build(); },
               "metadata key/value count is 18446744073709551615"});
  // A count the file cannot hold is blamed on the header, not on the first record that fails.
  // with_kvs() is padded to 128 bytes: 104 after the header.
  c.push_back({"HEADER_HUGE_N_TENSORS", [] { return with_kvs().tensor_count_override(1ull << 40).build(); },
               "tensor count is 1099511627776, but the 104 bytes after the header can hold at most 4 tensor "
               "infos (25 bytes or more each)"});
  c.push_back({"HEADER_HUGE_N_KV", [] { return with_kvs().kv_count_override(1ull << 40).build(); },
               "metadata key/value count is 1099511627776, but the 104 bytes after the header can hold at most "
               "7 records (14 bytes or more each)"});
  c.push_back({"HEADER_INT64_MAX_N_KV", [] { return with_kvs().kv_count_override(INT64_MAX).build(); },
               "metadata key/value count is 9223372036854775807, but the 104 bytes after the header"});
  c.push_back({"HEADER_INT64_MAX_N_TENSORS", [] { return with_tensors().tensor_count_override(INT64_MAX).build(); },
               "tensor count is 9223372036854775807, but the "});
  c.push_back({"HEADER_N_KV_JUST_FITS", [] { return GgufBuilder().kv_u8("k", 1).build(); }, ""});
  c.push_back({"HEADER_EMPTY", [] { return GgufBuilder().build(); }, ""});
  // ---- key/value pairs (1000)
  c.push_back({"KV_BAD_KEY_SIZE", [] { auto b = with_kvs().build(); put_u64(b, k_first_key, UINT64_MAX); return b; },
               "larger than the whole file"});
  c.push_back({"KV_EMPTY_KEY", [] { return GgufBuilder().kv_u32("", 1).build(); }, "empty name"});
  c.push_back({"KV_BAD_TYPE", [] { return GgufBuilder().kv_raw("a.b", 13, {0, 0, 0, 0}).build(); },
               "value type of key 1 of 1 ('a.b') is 13"});
  c.push_back({"KV_DUPLICATE_KEY", [] { return GgufBuilder().kv_u32("a.b", 1).kv_u32("a.b", 2).build(); },
               "duplicate key 'a.b'"});
  c.push_back({"KV_BAD_ALIGN", [] { return GgufBuilder().alignment(13).build(); },
               "'general.alignment' is 13, expected a non-zero power of two"});
  c.push_back({"KV_ZERO_ALIGN", [] { return GgufBuilder().kv_u32("general.alignment", 0).build(); },
               "'general.alignment' is 0"});
  c.push_back({"KV_WRONG_TYPE_ALIGN", [] { return GgufBuilder().kv_i32("general.alignment", 32).build(); },
               "'general.alignment' has type i32, expected u32"});
  c.push_back({"KV_NESTED_ARRAY",
               [] {
                 Bytes payload{9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};  // element type ARRAY, count 1
                 return GgufBuilder().kv_raw("a.nested", 9, payload).build();
               },
               "array of arrays"});
  c.push_back({"KV_ARRAY_TOO_LONG",
               [] {
                 Bytes payload{4, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0};  // u32 elements, 2^30 + 1 of them
                 return GgufBuilder().kv_raw("a.long", 9, payload).build();
               },
               "expected at most 1073741824"});
  c.push_back({"KV_ARRAY_PAST_END",
               [] {
                 Bytes payload{4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};  // 256 u32 elements, none present
                 return GgufBuilder().kv_raw("a.short", 9, payload).build();
               },
               "inside the array of key 1 of 1 ('a.short')"});
  c.push_back({"KV_STRING_ARRAY_PAST_END",
               [] {
                 Bytes payload{8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0, 0, 0, 0, 0, 0};
                 Bytes b = GgufBuilder().kv_raw("a.strs", 9, payload).header();
                 b.resize(b.size() + 64);  // more than 2 lengths need, less than 200 bytes
                 return b;
               },
               "while reading the 200 bytes of string 1 of 2 in the array of key 1 of 1 ('a.strs')"});
  // A string length no writer produces is reported as such, not as a truncated file.
  c.push_back({"KV_STRING_ARRAY_ELEMENT_LENGTH_MAX",
               [] {
                 Bytes payload{8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 'x',
                               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
                 Bytes b = GgufBuilder().kv_raw("a.strs", 9, payload).build();
                 b.resize(b.size() + 64);
                 return b;
               },
               "length of string 2 of 2 in the array of key 1 of 1 ('a.strs') (at byte 63) is "
               "18446744073709551615, expected at most 1073741824"});
  c.push_back({"KV_STRING_ARRAY_ELEMENT_OVER_LIMIT",
               [] {
                 Bytes payload{8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0x40, 0, 0, 0, 0};
                 return GgufBuilder().kv_raw("a.strs", 9, payload).build();
               },
               "length of string 1 of 1 in the array of key 1 of 1 ('a.strs') (at byte 54) is 1073741825, "
               "expected at most 1073741824"});
  c.push_back({"KV_STRING_ARRAY_SECOND_LENGTH_CUT",
               [] {
                 Bytes payload{8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0};
                 payload.insert(payload.end(), 9, 'x');
                 payload.insert(payload.end(), {3, 0});  // 2 of the 8 bytes of the second length
                 return GgufBuilder().kv_raw("a.strs", 9, payload).header();
               },
               "while reading the length of string 2 of 2 in the array of key 1 of 1 ('a.strs')"});
  // Strings from the file are escaped in every message: no control byte reaches a terminal.
  c.push_back({"KV_DUPLICATE_KEY_WITH_ESCAPES",
               [] { return GgufBuilder().kv_u32("a\x1b[2J\nb", 1).kv_u32("a\x1b[2J\nb", 2).build(); },
               "duplicate key 'a\\x1b[2J\\nb' (key 1 and key 2 of 2)"});
  c.push_back({"KV_BAD_TYPE_NAME_WITH_NEWLINE",
               [] { return GgufBuilder().kv_raw("k\nf32patch: error: fake", 13, {0, 0, 0, 0}).build(); },
               "value type of key 1 of 1 ('k\\nf32patch: error: fake') is 13"});
  c.push_back({"KV_RANDOM_KV",
               [] {
                 GgufBuilder b;
                 b.kv_u8("t.u8", 200).kv_i8("t.i8", -100).kv_u16("t.u16", 60000).kv_i16("t.i16", -30000);
                 b.kv_u32("t.u32", 4000000000u).kv_i32("t.i32", -2000000000).kv_f32("t.f32", 0.1f);
                 b.kv_bool("t.bool", true).kv_str("t.str", "héllo").kv_u64("t.u64", UINT64_MAX);
                 b.kv_i64("t.i64", INT64_MIN).kv_f64("t.f64", -0.0);
                 b.kv_bool_array("t.abool", {true, false}).kv_i32_array("t.ai32", {-1, 2});
                 b.kv_u32_array("t.au32", {1, 2}).kv_f32_array("t.af32", {1.5f}).kv_str_array("t.astr", {"a", "", "ccc"});
                 return b.build();
               },
               ""});
  // ---- tensor infos (2000)
  c.push_back({"TENSORS_BAD_NAME_SIZE",
               [] { return with_kvs().f32_tensor(std::string(64, 'x'), {1}, {1.f}).build(); },
               "name of tensor info 1 of 1 is 64 bytes long, expected at most 63"});
  c.push_back({"TENSORS_EMPTY_NAME", [] { return with_kvs().f32_tensor("", {1}, {1.f}).build(); },
               "tensor info 1 of 1 has an empty name"});
  c.push_back({"TENSORS_NAME_63_OK", [] { return with_kvs().f32_tensor(std::string(63, 'x'), {1}, {1.f}).build(); },
               ""});
  c.push_back({"TENSORS_BAD_N_DIMS", [] { return with_kvs().tensor({"t", 0, {1, 1, 1, 1, 1}, {}, {}}).build(); },
               "has 5 dimensions, expected at most 4"});
  c.push_back({"TENSORS_BAD_SHAPE", [] { return with_kvs().tensor({"t", 0, {-1}, {}, {}}).build(); },
               "dimension 0 is -1"});
  c.push_back({"TENSORS_ZERO_DIM", [] { return with_kvs().tensor({"t", 0, {8, 0}, {}, {}}).tensor({"u", 0, {0, 4}, {}, {}}).build(); },
               ""});
  // Zero elements whatever the other dimensions: gguf.cpp skips the overflow checks then.
  c.push_back({"TENSORS_ZERO_DIM_HUGE_OTHERS",
               [] {
                 return with_kvs().tensor({"a", 0, {1ll << 62, 0}, {}, {}}).tensor({"b", 0, {1ll << 62, 4, 0}, {}, {}})
                     .tensor({"c", 0, {0, INT64_MAX, INT64_MAX, INT64_MAX}, {}, {}}).f32_tensor("d", {1}, {1.f}).build();
               },
               ""});
  c.push_back({"TENSORS_ZERO_DIM_BAD_BLOCKS", [] { return with_kvs().tensor({"t", 12, {100, 0}, {}, {}}).build(); },
               "type Q4_K stores blocks of 256 elements, but dimension 0 is 100"});
  c.push_back({"TENSORS_NAME_WITH_ESCAPES",
               [] { return with_kvs().tensor({"x\n\x1b[31m\xff\\", 0, {-1}, {}, {}}).build(); },
               "tensor 'x\\n\\x1b[31m\\xff\\\\': dimension 0 is -1"});
  c.push_back({"TENSORS_DUPLICATE_NAME_WITH_ESCAPES",
               [] { return with_kvs().f32_tensor("t\r", {1}, {1.f}).f32_tensor("t\r", {1}, {2.f}).build(); },
               "duplicate tensor name 't\\r' (tensor info 1 and 2 of 2)"});
  c.push_back({"TENSORS_NE_TOO_BIG",
               [] {
                 const std::int64_t big = 4ll * INT32_MAX;
                 return with_kvs().tensor({"t", 0, {big, big, big}, {}, {}}).build();
               },
               "more than 2^63 elements"});
  c.push_back({"TENSORS_NBYTES_TOO_BIG",
               [] { return with_kvs().tensor({"t", 27, {INT64_MAX / 4}, {}, {}}).build(); },  // I64, 8 bytes each
               "needs more than 2^63 bytes"});
  c.push_back({"TENSORS_BAD_TYPE", [] { return with_kvs().tensor({"t", 43, {1}, {}, {}}).build(); },
               "type id 43 is unknown"});
  c.push_back({"TENSORS_REMOVED_TYPE_4", [] { return with_kvs().tensor({"t", 4, {32}, {}, {}}).build(); },
               "type id 4 is Q4_2 (removed)"});
  c.push_back({"TENSORS_REMOVED_TYPE_31", [] { return with_kvs().tensor({"t", 31, {32}, {}, {}}).build(); },
               "type id 31 is Q4_0_4_4 (removed)"});
  c.push_back({"TENSORS_BLOCK_MISMATCH", [] { return with_kvs().tensor({"t", 12, {100}, {}, {}}).build(); },
               "type Q4_K stores blocks of 256 elements, but dimension 0 is 100"});
  c.push_back({"TENSORS_BAD_OFFSET", [] { return with_kvs().tensor({"t", 0, {1}, UINT64_MAX, {}}).build(); },
               "not a multiple of the alignment"});
  c.push_back({"TENSORS_DUPLICATE_NAME",
               [] { return with_kvs().f32_tensor("my_tensor", {1}, {1.f}).f32_tensor("my_tensor", {1}, {2.f}).build(); },
               "duplicate tensor name 'my_tensor'"});
  c.push_back({"TENSORS_BAD_ALIGN", [] { return with_tensors().alignment(13).build(); }, "'general.alignment' is 13"});
  c.push_back({"TENSORS_INCONSISTENT_ALIGN",
               [] {
                 auto b = with_kvs().kv_u32("general.alignment", 32).data_alignment(1).f32_tensor("a", {1}, {1.f})
                              .f32_tensor("b", {1}, {2.f}).build();
                 b.resize(b.size() + 64);  // long enough that only the offsets are wrong
                 return b;
               },
               "tensor 'b': data offset 4 is not a multiple of the alignment 32"});
  c.push_back({"TENSORS_SUCCESS_NO_DATA",
               [] {
                 auto b = with_tensors().build();
                 b.resize(static_cast<std::size_t>(with_tensors().data_offset()));  // infos valid, data gone
                 return b;
               },
               "past end of file"});
  c.push_back({"TENSORS_CUSTOM_ALIGN", [] { return with_tensors().alignment(1).build(); }, ""});
  c.push_back({"TENSORS_NON_SEQUENTIAL_GAP",
               [] { return with_kvs().f32_tensor("a", {1}, {1.f}).tensor({"b", 0, {1}, 64, {}}).build(); },
               "tensor 'b': data offset is 64, expected 32"});
  c.push_back({"TENSORS_OVERLAP",
               [] { return with_kvs().f32_tensor("a", {16}, std::vector<float>(16, 1.f)).tensor({"b", 0, {1}, 32, {}}).build(); },
               "overlaps tensor 'a'"});
  // ---- data (3000)
  c.push_back({"DATA_NOT_ENOUGH_DATA",
               [] {
                 auto b = with_tensors().build();
                 b.resize(b.size() - 32);  // the last tensor's bytes are cut
                 return b;
               },
               "tensor 'blk.1.layer_output_scale.weight': data ends at byte"});
  c.push_back({"DATA_PADDING_MISSING_OK",
               [] {
                 auto b = with_tensors().build();
                 b.resize(b.size() - 1);  // only padding is missing: every tensor is inside the file
                 return b;
               },
               ""});
  c.push_back({"DATA_BAD_ALIGN", [] { return with_tensors().alignment(13).build(); }, "power of two"});
  c.push_back({"DATA_INCONSISTENT_ALIGN",
               [] {
                 auto b = with_kvs().data_alignment(1).f32_tensor("a", {1}, {1.f}).f32_tensor("b", {1}, {2.f}).build();
                 b.resize(b.size() + 64);
                 return b;
               },
               "not a multiple of the alignment 32"});
  c.push_back({"DATA_MEM_SIZE_OVERFLOW",
               [] {
                 // Two I8 tensors of 64 elements, then their dims rewritten to 0x7FFFFFFFFFFFFFC0.
                 auto b = with_kvs().tensor({"a", 24, {64}, {}, {}}).tensor({"b", 24, {64}, {}, {}}).build();
                 const Model valid = parse_bytes(b);
                 for (const auto& t : valid.tensors()) {
                   const std::size_t dims_at = static_cast<std::size_t>(t.info_offset + 8 + t.name.size() + 4);
                   put_u64(b, dims_at, 0x7FFFFFFFFFFFFFC0ull);
                 }
                 return b;
               },
               "tensor 'a': data ends at byte"});
  c.push_back({"DATA_SUCCESS", [] { return with_tensors().build(); }, ""});
  c.push_back({"DATA_CUSTOM_ALIGN", [] { return with_tensors().alignment(1).build(); }, ""});
  c.push_back({"DATA_BIG_ENDIAN", [] { return with_tensors(ByteOrder::big).build(); }, ""});
  c.push_back({"DATA_VERSION_2", [] { return with_tensors().version(2).build(); }, ""});
  // ---- not GGUF at all
  c.push_back({"EMPTY_FILE", [] { return Bytes{}; }, "file is empty"});
  c.push_back({"TWO_BYTES", [] { return Bytes{'G', 'G'}; }, "only 2 bytes"});
  c.push_back({"HTML_PAGE",
               [] { const std::string s = "\n<!DOCTYPE html><html><head><title>Hugging Face</title>"; return Bytes(s.begin(), s.end()); },
               "HTML"});
  c.push_back({"LFS_POINTER",
               [] {
                 const std::string s = "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 9483933472\n";
                 return Bytes(s.begin(), s.end());
               },
               "Git LFS pointer"});
  c.push_back({"ZEROS", [] { return Bytes(100, 0); }, "zero bytes"});
  c.push_back({"GGJT", [] { const std::string s = "tjgg\x01\0\0\0"; return Bytes(s.begin(), s.end()); }, "GGJT"});
  c.push_back({"RANDOM_MAGIC", [] { return Bytes{0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0}; }, "de ad be ef"});
  return c;
}

class CorruptionTest : public ::testing::TestWithParam<Case> {};

TEST_P(CorruptionTest, OutcomeAndMessage) {
  const Case& c = GetParam();
  const Bytes bytes = c.make();
  if (c.expect.empty()) {
    try {
      parse_bytes(bytes);
    } catch (const Error& e) {
      ADD_FAILURE() << c.name << ": expected to parse, got: " << e.what();
    }
    return;
  }
  try {
    parse_bytes(bytes);
    FAIL() << c.name << ": parsed, expected an error containing '" << c.expect << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::invalid_gguf) << e.what();
    EXPECT_EQ(e.path(), "case.gguf");
    EXPECT_NE(e.message().find(c.expect), std::string::npos)
        << c.name << ": message '" << e.message() << "' lacks '" << c.expect << "'";
    for (const char ch : e.message()) {
      EXPECT_FALSE(static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) << c.name << ": raw control byte in message";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Handcrafted, CorruptionTest, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) { return param_info.param.name; });

TEST(CorruptionTableTest, CoversEveryTestGgufCase) {
  // The 32 live cases of test-gguf.cpp (KV_BAD_VALUE_SIZE is commented out upstream) plus ours.
  EXPECT_GE(cases().size(), 33u);
}

}  // namespace
}  // namespace f32patch::gguf
