// The GGUF reader: parses and validates the header of a GGUF v2/v3 file, either byte order.
//
// File layout (all numbers in the file's byte order; v2 and v3 are identical):
//
//   offset 0   magic        4 bytes  "GGUF" (always these ASCII bytes, whatever the byte order)
//          4   version      u32      2 or 3; a big-endian file reads as 0x0?000000 little-endian
//          8   tensor_count u64
//         16   kv_count     u64
//         24   kv_count metadata records:   key (u64 length + bytes), value type (u32), value
//              tensor_count tensor infos:   name (u64 length + bytes), n_dims (u32),
//                                           n_dims x dim (u64, ne[0] first), type (u32),
//                                           offset (u64, relative to the data section)
//              zero padding up to a multiple of the alignment (general.alignment, default 32)
//   data_offset tensor data: each tensor at data_offset + offset, padded to the alignment
//
// Strings are a u64 byte count and the bytes, with no terminator. Arrays are an element type
// (u32), a u64 element count and the packed elements. See docs/gguf-validation.md for every
// check and the message it produces. Names and strings are kept as their raw bytes; any
// message that quotes one escapes it first (gguf/text.hpp).
//
// The reader never materialises metadata arrays: the 262,144 tokens and 514,906 merges of a
// Gemma 4 vocabulary are stepped over and kept as views into the mapping.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include <f32patch/gguf/types.hpp>
#include <f32patch/util/byte_order.hpp>
#include <f32patch/util/mapped_file.hpp>

namespace f32patch::gguf {

inline constexpr std::uint32_t default_alignment = 32;
inline constexpr std::uint64_t max_tensor_name_length = 63;   // GGML_MAX_NAME - 1
inline constexpr std::uint32_t max_dims = 4;                  // GGML_MAX_DIMS
inline constexpr std::uint64_t max_string_length = 1ull << 30;     // GGUF_MAX_STRING_LENGTH
inline constexpr std::uint64_t max_array_elements = 1ull << 30;    // GGUF_MAX_ARRAY_ELEMENTS

// A metadata array, kept as a view: element type, count and where its bytes are.
struct ArrayView {
  ValueType element_type = ValueType::uint8;
  std::uint64_t count = 0;
  std::uint64_t offset = 0;      // absolute file offset of the first element
  std::uint64_t byte_size = 0;   // bytes the elements occupy
};

// A decoded metadata value. Integers are widened (unsigned to uint64, signed to int64), floats
// to double; `type` keeps the on-disk type.
struct Value {
  ValueType type = ValueType::uint8;
  std::variant<std::uint64_t, std::int64_t, double, bool, std::string_view, ArrayView> data;

  std::optional<std::uint64_t> as_uint() const;  // any integer type holding a value >= 0
  std::optional<std::int64_t> as_int() const;    // any integer type that fits in int64
  std::optional<double> as_float() const;        // f32 or f64
  std::optional<bool> as_bool() const;
  std::optional<std::string_view> as_string() const;
  const ArrayView* as_array() const;
};

struct MetadataEntry {
  std::string key;
  Value value;
  std::uint64_t record_offset = 0;  // absolute file offset of the record (its key length)
};

struct TensorInfo {
  std::string name;
  std::uint32_t index = 0;             // position in the tensor-info table
  TensorType type = TensorType::F32;
  std::uint32_t n_dims = 0;
  std::array<std::uint64_t, 4> dims{1, 1, 1, 1};  // ne[0] first; absent dims are 1
  std::uint64_t element_count = 0;
  std::uint64_t byte_size = 0;
  std::uint64_t relative_offset = 0;   // as stored: relative to the data section
  std::uint64_t file_offset = 0;       // absolute: data_offset + relative_offset
  std::uint64_t info_offset = 0;       // absolute offset of the tensor-info record

  std::span<const std::uint64_t> shape() const { return {dims.data(), n_dims}; }
};

// A parsed, validated GGUF file. Owns the read-only mapping, so string views into metadata
// stay valid for the model's lifetime. Move-only.
class Model {
 public:
  // Maps `path` read-only and parses it. Throws Error (invalid_gguf, io) naming the file.
  static Model open(const std::string& path);
  // Parses an existing mapping (takes ownership).
  static Model parse(MappedFile file);

  const std::string& path() const noexcept { return m_file.path(); }
  std::span<const std::byte> bytes() const noexcept { return m_file.bytes(); }
  std::uint64_t file_size() const noexcept { return m_file.size(); }
  std::uint32_t version() const noexcept { return m_version; }
  ByteOrder byte_order() const noexcept { return m_order; }
  std::uint32_t alignment() const noexcept { return m_alignment; }
  std::uint64_t data_offset() const noexcept { return m_data_offset; }
  std::uint64_t header_size() const noexcept { return m_header_size; }  // end of tensor infos

  const std::vector<MetadataEntry>& metadata() const noexcept { return m_metadata; }
  const std::vector<TensorInfo>& tensors() const noexcept { return m_tensors; }

  const Value* find(std::string_view key) const;
  const TensorInfo* find_tensor(std::string_view name) const;

  // general.architecture, or "" when absent or not a string.
  std::string_view architecture() const;
  // <architecture>.block_count when present and an unsigned integer.
  std::optional<std::uint64_t> block_count() const;

  // Elements of a metadata array (index must be < count; the caller checks).
  // One element decoded like a scalar value (a string element walks the array from its start).
  Value array_element(const ArrayView& array, std::uint64_t index) const;
  // An integer or bool element as int64; nullopt for floats, strings and u64 values above
  // INT64_MAX (a float is never converted, so NaN or 1e30 cannot overflow a cast).
  std::optional<std::int64_t> array_int(const ArrayView& array, std::uint64_t index) const;
  // A numeric or bool element as a double (integers converted, bools 0 or 1).
  double array_float(const ArrayView& array, std::uint64_t index) const;
  // A numeric or bool element compared with zero (NaN is non-zero).
  bool array_bool(const ArrayView& array, std::uint64_t index) const;
  // The first `limit` strings of a string array (walks the array from its start).
  std::vector<std::string_view> array_strings(const ArrayView& array, std::uint64_t limit) const;

  // Reads one F32 element of a tensor, in the file's byte order.
  float read_f32(const TensorInfo& tensor, std::uint64_t element = 0) const;
  std::uint32_t read_f32_bits(const TensorInfo& tensor, std::uint64_t element = 0) const;

 private:
  friend class Parser;
  Model() = default;

  MappedFile m_file;
  std::uint32_t m_version = 0;
  ByteOrder m_order = ByteOrder::little;
  std::uint32_t m_alignment = default_alignment;
  std::uint64_t m_header_size = 0;
  std::uint64_t m_data_offset = 0;
  std::vector<MetadataEntry> m_metadata;
  std::vector<TensorInfo> m_tensors;
  std::unordered_map<std::string_view, std::size_t> m_key_index;
  std::unordered_map<std::string_view, std::size_t> m_tensor_index;
};

}  // namespace f32patch::gguf
