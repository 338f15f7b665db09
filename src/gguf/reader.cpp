#include <f32patch/gguf/reader.hpp>

#include <bit>
#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>

#include "cursor.hpp"
#include "file_sniff.hpp"

namespace f32patch::gguf {

namespace {

constexpr std::uint64_t k_int64_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
// Counts come from the file: reserve no more than this up front, grow as records really parse.
constexpr std::uint64_t k_reserve_limit = 4096;
// The smallest records there can be, to bound a count by the bytes left for its records.
// A key/value record: key length (8), a key of at least 1 byte, value type (4), a 1-byte value.
constexpr std::uint64_t k_min_kv_record = 8 + 1 + 4 + 1;
// A tensor info: name length (8), a name of at least 1 byte, n_dims (4) of 0, type (4), offset (8).
constexpr std::uint64_t k_min_tensor_info = 8 + 1 + 4 + 4 + 8;

// a * b, or nullopt when the product exceeds `limit`.
std::optional<std::uint64_t> checked_mul(std::uint64_t a, std::uint64_t b, std::uint64_t limit) {
  if (a != 0 && b > limit / a) return std::nullopt;
  return a * b;
}

std::optional<std::uint64_t> checked_add(std::uint64_t a, std::uint64_t b) {
  if (b > std::numeric_limits<std::uint64_t>::max() - a) return std::nullopt;
  return a + b;
}

// x rounded up to a multiple of `alignment` (a power of two), or nullopt on overflow.
std::optional<std::uint64_t> align_up(std::uint64_t x, std::uint64_t alignment) {
  const auto sum = checked_add(x, alignment - 1);
  if (!sum) return std::nullopt;
  return *sum & ~(alignment - 1);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Value accessors

std::optional<std::uint64_t> Value::as_uint() const {
  if (const auto* u = std::get_if<std::uint64_t>(&data)) return *u;
  if (const auto* i = std::get_if<std::int64_t>(&data); i && *i >= 0) return static_cast<std::uint64_t>(*i);
  return std::nullopt;
}

std::optional<std::int64_t> Value::as_int() const {
  if (const auto* i = std::get_if<std::int64_t>(&data)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&data); u && *u <= k_int64_max) return static_cast<std::int64_t>(*u);
  return std::nullopt;
}

std::optional<double> Value::as_float() const {
  if (const auto* d = std::get_if<double>(&data)) return *d;
  return std::nullopt;
}

std::optional<bool> Value::as_bool() const {
  if (const auto* b = std::get_if<bool>(&data)) return *b;
  return std::nullopt;
}

std::optional<std::string_view> Value::as_string() const {
  if (const auto* s = std::get_if<std::string_view>(&data)) return *s;
  return std::nullopt;
}

const ArrayView* Value::as_array() const { return std::get_if<ArrayView>(&data); }

// ---------------------------------------------------------------------------------------------
// Parser: validates in stages, in the order the bytes come, and fills a Model.

class Parser {
 public:
  explicit Parser(Model& model)
      : m_model(model), m_cursor(model.m_file.bytes(), model.m_file.path(), ByteOrder::little) {}

  void run() {
    parse_preamble();
    parse_metadata();
    resolve_alignment();
    parse_tensor_infos();
    place_data_section();
    check_tensor_data();
  }

 private:
  [[noreturn]] void fail(std::string message, std::string hint = {}) const {
    m_cursor.fail(std::move(message), std::move(hint));
  }

  void parse_preamble() {
    const auto bytes = m_model.m_file.bytes();
    if (bytes.empty()) {
      fail("file is empty (0 bytes)", "an interrupted download? download the model again");
    }
    static constexpr std::byte k_magic[4]{std::byte{'G'}, std::byte{'G'}, std::byte{'U'}, std::byte{'F'}};
    if (bytes.size() < 4 || std::memcmp(bytes.data(), k_magic, 4) != 0) {
      const Sniffed what = sniff_foreign_content(bytes);
      fail(what.description, what.hint);
    }
    m_cursor.skip(4, "magic");

    // No byte-order mark exists: a big-endian version number reads as 0x0V000000 little-endian,
    // whose low 16 bits are zero (the rule gguf-py uses).
    const auto raw = m_cursor.read<std::uint32_t>("version");
    std::uint32_t version = raw;
    if (raw != 0 && (raw & 0xFFFFu) == 0) {
      m_model.m_order = ByteOrder::big;
      m_cursor.set_order(ByteOrder::big);
      version = load<std::uint32_t>(bytes.data() + 4, ByteOrder::big);
    }
    if (version == 1) {
      fail("GGUF version 1 is not supported, expected version 2 or 3",
           "GGUFv1 files (2023) are no longer read by llama.cpp either; convert the model again");
    }
    if (version != 2 && version != 3) {
      fail(fmt::format("unsupported GGUF version {} (bytes {:02x} {:02x} {:02x} {:02x}), expected 2 or 3",
                       version, std::to_integer<unsigned>(bytes[4]), std::to_integer<unsigned>(bytes[5]),
                       std::to_integer<unsigned>(bytes[6]), std::to_integer<unsigned>(bytes[7])));
    }
    m_model.m_version = version;

    // Counts are not trusted for allocation: records are parsed one by one and the file runs
    // out long before a corrupt count could make the parser hold much memory.
    m_tensor_count = read_count("tensor count");
    m_kv_count = read_count("metadata key/value count");
    // Before any record is read, so an impossible count is blamed on the header rather than on
    // the first record that happens to fail.
    check_count_fits(m_kv_count, k_min_kv_record, "metadata key/value count", "records");
    check_count_fits(m_tensor_count, k_min_tensor_info, "tensor count", "tensor infos");
  }

  // Fails unless `count` records of at least `min_size` bytes each fit in the bytes after the
  // header. Only a bound: the walk over the records checks every byte.
  void check_count_fits(std::uint64_t count, std::uint64_t min_size, std::string_view field,
                        std::string_view records) const {
    const std::uint64_t remaining = m_cursor.remaining();
    const std::uint64_t at_most = remaining / min_size;
    if (count <= at_most) return;
    fail(fmt::format("{} is {}, but the {} bytes after the header can hold at most {} {} ({} bytes or more each)",
                     field, count, remaining, at_most, records, min_size),
         truncation_hint());
  }

  std::uint64_t read_count(std::string_view field) {
    const auto count = m_cursor.read<std::uint64_t>(field);
    if (count > k_int64_max) {
      fail(fmt::format("{} is {} (negative as a signed 64-bit number), expected a count", field, count));
    }
    return count;
  }

  static std::string truncation_hint() {
    return "a truncated download or a corrupt header; download the model again";
  }

  ValueType read_value_type(std::string_view field) {
    const auto id = m_cursor.read<std::uint32_t>(field);
    const auto type = value_type_from_id(id);
    if (!type) {
      fail(fmt::format("{} of {} is {}, expected a value type id 0-{}", field,
                       m_cursor.section().describe(), id, value_type_count - 1));
    }
    return *type;
  }

  Value read_scalar(ValueType type) {
    Value value{type, {}};
    switch (type) {
      case ValueType::uint8: value.data = std::uint64_t{m_cursor.read<std::uint8_t>("value")}; break;
      case ValueType::int8: value.data = std::int64_t{m_cursor.read<std::int8_t>("value")}; break;
      case ValueType::uint16: value.data = std::uint64_t{m_cursor.read<std::uint16_t>("value")}; break;
      case ValueType::int16: value.data = std::int64_t{m_cursor.read<std::int16_t>("value")}; break;
      case ValueType::uint32: value.data = std::uint64_t{m_cursor.read<std::uint32_t>("value")}; break;
      case ValueType::int32: value.data = std::int64_t{m_cursor.read<std::int32_t>("value")}; break;
      case ValueType::uint64: value.data = m_cursor.read<std::uint64_t>("value"); break;
      case ValueType::int64: value.data = m_cursor.read<std::int64_t>("value"); break;
      case ValueType::float32: value.data = double{m_cursor.read<float>("value")}; break;
      case ValueType::float64: value.data = m_cursor.read<double>("value"); break;
      case ValueType::boolean: value.data = m_cursor.read<std::uint8_t>("value") != 0; break;
      case ValueType::string: value.data = m_cursor.read_string("value", max_string_length); break;
      case ValueType::array: assert(false && "arrays are read by read_array"); break;
    }
    return value;
  }

  Value read_array() {
    const ValueType element = read_value_type("array element type");
    if (element == ValueType::array) {
      fail(fmt::format("{} is an array of arrays, which GGUF readers do not support",
                       m_cursor.section().describe()));
    }
    const auto count = m_cursor.read<std::uint64_t>("array length");
    if (count > max_array_elements) {
      fail(fmt::format("array length of {} is {}, expected at most {}", m_cursor.section().describe(),
                       count, max_array_elements));
    }
    ArrayView view{element, count, m_cursor.position(), 0};
    if (element == ValueType::string) {
      step_over_strings(count);
    } else {
      const auto bytes = checked_mul(count, value_type_size(element), k_int64_max);
      if (!bytes || *bytes > m_cursor.remaining()) {
        fail(fmt::format("file ends at byte {} inside the array of {} ({} elements of {} bytes start at byte {})",
                         m_cursor.size(), m_cursor.section().describe(), count, value_type_size(element),
                         m_cursor.position()),
             truncation_hint());
      }
      m_cursor.skip(*bytes, "array elements");
    }
    view.byte_size = m_cursor.position() - view.offset;
    return Value{ValueType::array, view};
  }

  // Walks a string array without materialising it: each element is a u64 length and bytes.
  void step_over_strings(std::uint64_t count) {
    if (count > m_cursor.remaining() / 8) {
      fail(fmt::format("file ends at byte {} inside the string array of {} ({} strings need at least {} bytes)",
                       m_cursor.size(), m_cursor.section().describe(), count, count * 8),
           truncation_hint());
    }
    const auto bytes = m_model.m_file.bytes();
    const ByteOrder order = m_model.m_order;
    std::uint64_t pos = m_cursor.position();
    const std::uint64_t end = bytes.size();
    for (std::uint64_t i = 0; i < count; ++i) {
      if (end - pos < 8) fail_in_string_array(i, count, pos, "length");
      const auto length = load<std::uint64_t>(bytes.data() + pos, order);
      if (length > max_string_length) {
        // A length no writer produces: corrupt, not cut short.
        fail(fmt::format("length of string {} of {} in the array of {} (at byte {}) is {}, expected at most {}",
                         i + 1, count, m_cursor.section().describe(), pos, length, max_string_length));
      }
      pos += 8;
      if (length > end - pos) fail_in_string_array(i, count, pos - 8, fmt::format("{} bytes", length));
      pos += length;
    }
    m_cursor.skip(pos - m_cursor.position(), "string array");
  }

  // `index` is 0-based; messages number strings from 1, like keys and tensor infos.
  [[noreturn]] void fail_in_string_array(std::uint64_t index, std::uint64_t count, std::uint64_t pos,
                                         std::string_view what) const {
    fail(fmt::format("file ends at byte {} while reading the {} of string {} of {} in the array of {} (at byte {})",
                     m_cursor.size(), what, index + 1, count, m_cursor.section().describe(), pos),
         truncation_hint());
  }

  void parse_metadata() {
    m_model.m_metadata.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(m_kv_count, k_reserve_limit)));
    std::unordered_map<std::string_view, std::uint64_t> seen;
    for (std::uint64_t i = 0; i < m_kv_count; ++i) {
      m_cursor.set_section({"key", i + 1, m_kv_count, {}});
      const std::uint64_t record_offset = m_cursor.position();
      const std::string_view key = m_cursor.read_string("key", max_string_length);
      if (key.empty()) fail(fmt::format("{} has an empty name, expected a key like 'general.name'",
                                        m_cursor.section().describe()));
      if (const auto [it, inserted] = seen.emplace(key, i + 1); !inserted) {
        fail(fmt::format("duplicate key {} (key {} and key {} of {})", quoted(key), it->second, i + 1, m_kv_count));
      }
      m_cursor.set_section({"key", i + 1, m_kv_count, key});
      const ValueType type = read_value_type("value type");
      Value value = type == ValueType::array ? read_array() : read_scalar(type);
      m_model.m_metadata.push_back({std::string(key), std::move(value), record_offset});
    }
    for (std::size_t i = 0; i < m_model.m_metadata.size(); ++i) {
      m_model.m_key_index.emplace(m_model.m_metadata[i].key, i);
    }
  }

  void resolve_alignment() {
    const Value* value = m_model.find("general.alignment");
    if (value == nullptr) return;
    if (value->type != ValueType::uint32) {
      fail(fmt::format("key 'general.alignment' has type {}, expected u32", value_type_name(value->type)));
    }
    const std::uint64_t alignment = *value->as_uint();
    if (alignment == 0 || !std::has_single_bit(alignment)) {
      fail(fmt::format("key 'general.alignment' is {}, expected a non-zero power of two", alignment));
    }
    m_model.m_alignment = static_cast<std::uint32_t>(alignment);
  }

  void parse_tensor_infos() {
    m_model.m_tensors.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(m_tensor_count, k_reserve_limit)));
    std::unordered_map<std::string_view, std::uint32_t> seen;
    for (std::uint64_t i = 0; i < m_tensor_count; ++i) {
      m_cursor.set_section({"tensor info", i + 1, m_tensor_count, {}});
      TensorInfo info;
      info.index = static_cast<std::uint32_t>(i);
      info.info_offset = m_cursor.position();
      const std::string_view name = m_cursor.read_string("name", max_tensor_name_length);
      if (name.empty()) fail(fmt::format("{} has an empty name", m_cursor.section().describe()));
      if (const auto [it, inserted] = seen.emplace(name, info.index); !inserted) {
        fail(fmt::format("duplicate tensor name {} (tensor info {} and {} of {})", quoted(name),
                         it->second + 1, i + 1, m_tensor_count));
      }
      m_cursor.set_section({"tensor info", i + 1, m_tensor_count, name});
      info.name = std::string(name);
      read_shape(info);
      read_type_and_size(info);
      info.relative_offset = m_cursor.read<std::uint64_t>("offset");
      m_model.m_tensors.push_back(std::move(info));
    }
    m_model.m_header_size = m_cursor.position();
    for (std::size_t i = 0; i < m_model.m_tensors.size(); ++i) {
      m_model.m_tensor_index.emplace(m_model.m_tensors[i].name, i);
    }
  }

  [[noreturn]] void fail_tensor(const TensorInfo& info, std::string message, std::string hint = {}) const {
    fail(fmt::format("tensor {}: {}", quoted(info.name), message), std::move(hint));
  }

  void read_shape(TensorInfo& info) {
    info.n_dims = m_cursor.read<std::uint32_t>("n_dims");
    if (info.n_dims > max_dims) {
      fail_tensor(info, fmt::format("has {} dimensions, expected at most {}", info.n_dims, max_dims));
    }
    std::uint64_t elements = 1;
    bool empty = false;
    for (std::uint32_t d = 0; d < info.n_dims; ++d) {
      const auto dim = m_cursor.read<std::int64_t>("dims");
      if (dim < 0) fail_tensor(info, fmt::format("dimension {} is {}, expected >= 0", d, dim));
      info.dims[d] = static_cast<std::uint64_t>(dim);
      empty = empty || dim == 0;
    }
    // A zero dimension makes an empty tensor whatever the others are: gguf.cpp skips its
    // element-count and byte-size checks when the count is 0, and so does f32patch.
    if (empty) {
      info.element_count = 0;
      return;
    }
    for (std::uint32_t d = 0; d < info.n_dims; ++d) {
      const auto product = checked_mul(elements, info.dims[d], k_int64_max - 1);
      if (!product) {
        fail_tensor(info, fmt::format("shape {} has more than 2^63 elements", format_shape(info)));
      }
      elements = *product;
    }
    info.element_count = elements;
  }

  static std::string format_shape(const TensorInfo& info) {
    return fmt::format("[{}]", fmt::join(info.shape(), ", "));
  }

  void read_type_and_size(TensorInfo& info) {
    const auto id = m_cursor.read<std::uint32_t>("type");
    const auto traits = tensor_type_traits(id);
    if (!traits) {
      fail_tensor(info, fmt::format("type id {} is unknown, expected a ggml type id 0-{}", id,
                                    tensor_type_count - 1),
                  "the file may come from a newer ggml than f32patch knows, or be corrupt");
    }
    if (traits->block_size == 0) {
      fail_tensor(info, fmt::format("type id {} is {}, which current ggml no longer reads", id, traits->name));
    }
    info.type = static_cast<TensorType>(id);
    if (info.dims[0] % traits->block_size != 0) {
      fail_tensor(info, fmt::format("type {} stores blocks of {} elements, but dimension 0 is {}",
                                    traits->name, traits->block_size, info.dims[0]));
    }
    if (info.element_count == 0) {
      info.byte_size = 0;
      return;
    }
    std::optional<std::uint64_t> bytes = checked_mul(info.dims[0] / traits->block_size, traits->type_size, k_int64_max);
    for (std::uint32_t d = 1; d < max_dims && bytes; ++d) bytes = checked_mul(*bytes, info.dims[d], k_int64_max);
    if (!bytes) {
      fail_tensor(info, fmt::format("shape {} of type {} needs more than 2^63 bytes", format_shape(info), traits->name));
    }
    info.byte_size = *bytes;
  }

  void place_data_section() {
    m_cursor.set_section({"the tensor data", 0, 0, {}});
    const std::uint64_t alignment = m_model.m_alignment;
    const auto data_offset = align_up(m_model.m_header_size, alignment);
    const std::uint64_t file_size = m_model.m_file.size();
    if (m_tensor_count == 0) {
      // gguf.cpp does not pad after an empty tensor table; gguf-py does. Accept both.
      m_model.m_data_offset = data_offset && *data_offset <= file_size ? *data_offset : m_model.m_header_size;
      return;
    }
    if (!data_offset || *data_offset > file_size) {
      fail(fmt::format("tensor data would start at byte {} (header end {} aligned to {}), past end of file ({} bytes)",
                       data_offset.value_or(m_model.m_header_size), m_model.m_header_size, alignment, file_size),
           truncation_hint());
    }
    m_model.m_data_offset = *data_offset;
  }

  // Offsets must be aligned, in tensor-info order, packed (each tensor padded to the alignment,
  // the layout every writer produces and gguf.cpp requires), and inside the file.
  void check_tensor_data() {
    const std::uint64_t alignment = m_model.m_alignment;
    const std::uint64_t file_size = m_model.m_file.size();
    std::uint64_t expected = 0;
    const TensorInfo* previous = nullptr;
    for (TensorInfo& info : m_model.m_tensors) {
      if (info.relative_offset % alignment != 0) {
        fail_tensor(info, fmt::format("data offset {} is not a multiple of the alignment {}",
                                      info.relative_offset, alignment));
      }
      if (info.relative_offset != expected) {
        if (previous != nullptr && info.relative_offset < expected) {
          fail_tensor(info, fmt::format("data at offset {} overlaps tensor {} (offsets {}-{}), expected offset {}",
                                        info.relative_offset, quoted(previous->name), previous->relative_offset,
                                        previous->relative_offset + previous->byte_size, expected));
        }
        fail_tensor(info, fmt::format("data offset is {}, expected {} (tensors are packed in tensor-info order)",
                                      info.relative_offset, expected));
      }
      const auto start = checked_add(m_model.m_data_offset, info.relative_offset);
      const auto end = start ? checked_add(*start, info.byte_size) : std::nullopt;
      if (!end || *end > file_size) {
        fail_tensor(info, fmt::format("data ends at byte {}, past end of file ({} bytes)",
                                      end ? fmt::to_string(*end) : std::string("beyond 2^64"), file_size),
                    "the file is truncated; an interrupted download or copy? download it again");
      }
      info.file_offset = *start;
      const auto padded = align_up(info.byte_size, alignment);
      const auto next = padded ? checked_add(expected, *padded) : std::nullopt;
      if (!next) fail_tensor(info, "data offsets overflow 64 bits");
      expected = *next;
      previous = &info;
    }
  }

  Model& m_model;
  Cursor m_cursor;
  std::uint64_t m_tensor_count = 0;
  std::uint64_t m_kv_count = 0;
};

// ---------------------------------------------------------------------------------------------
// Model

Model Model::open(const std::string& path) { return parse(MappedFile::open_read_only(path)); }

Model Model::parse(MappedFile file) {
  Model model;
  model.m_file = std::move(file);
  Parser(model).run();
  return model;
}

const Value* Model::find(std::string_view key) const {
  const auto it = m_key_index.find(key);
  return it == m_key_index.end() ? nullptr : &m_metadata[it->second].value;
}

const TensorInfo* Model::find_tensor(std::string_view name) const {
  const auto it = m_tensor_index.find(name);
  return it == m_tensor_index.end() ? nullptr : &m_tensors[it->second];
}

std::string_view Model::architecture() const {
  const Value* value = find("general.architecture");
  if (value == nullptr) return {};
  return value->as_string().value_or(std::string_view{});
}

std::optional<std::uint64_t> Model::block_count() const {
  const auto arch = architecture();
  if (arch.empty()) return std::nullopt;
  const Value* value = find(fmt::format("{}.block_count", arch));
  if (value == nullptr || value->as_array() != nullptr) return std::nullopt;
  return value->as_uint();
}

Value Model::array_element(const ArrayView& array, std::uint64_t index) const {
  assert(index < array.count);
  Value value{array.element_type, {}};
  const auto* base = m_file.bytes().data();
  if (array.element_type == ValueType::string) {
    std::uint64_t pos = array.offset;  // bounds validated by the parser
    for (std::uint64_t i = 0;; ++i) {
      const auto length = load<std::uint64_t>(base + pos, m_order);
      pos += 8;
      if (i == index) {
        value.data = std::string_view(reinterpret_cast<const char*>(base + pos), static_cast<std::size_t>(length));
        return value;
      }
      pos += length;
    }
  }
  const std::byte* p = base + array.offset + index * value_type_size(array.element_type);
  switch (array.element_type) {
    case ValueType::uint8: value.data = std::uint64_t{load<std::uint8_t>(p, m_order)}; break;
    case ValueType::int8: value.data = std::int64_t{load<std::int8_t>(p, m_order)}; break;
    case ValueType::uint16: value.data = std::uint64_t{load<std::uint16_t>(p, m_order)}; break;
    case ValueType::int16: value.data = std::int64_t{load<std::int16_t>(p, m_order)}; break;
    case ValueType::uint32: value.data = std::uint64_t{load<std::uint32_t>(p, m_order)}; break;
    case ValueType::int32: value.data = std::int64_t{load<std::int32_t>(p, m_order)}; break;
    case ValueType::uint64: value.data = load<std::uint64_t>(p, m_order); break;
    case ValueType::int64: value.data = load<std::int64_t>(p, m_order); break;
    case ValueType::float32: value.data = double{load<float>(p, m_order)}; break;
    case ValueType::float64: value.data = load<double>(p, m_order); break;
    case ValueType::boolean: value.data = load<std::uint8_t>(p, m_order) != 0; break;
    case ValueType::string:
    case ValueType::array: assert(false && "handled above; the parser refuses nested arrays"); break;
  }
  return value;
}

std::optional<std::int64_t> Model::array_int(const ArrayView& array, std::uint64_t index) const {
  const Value value = array_element(array, index);
  if (const auto b = value.as_bool()) return *b ? 1 : 0;
  return value.as_int();  // floats and strings: nullopt, never a cast
}

double Model::array_float(const ArrayView& array, std::uint64_t index) const {
  const Value value = array_element(array, index);
  if (const auto d = value.as_float()) return *d;
  if (const auto b = value.as_bool()) return *b ? 1.0 : 0.0;
  if (const auto* u = std::get_if<std::uint64_t>(&value.data)) return static_cast<double>(*u);
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return static_cast<double>(*i);
  assert(false && "array_float on a string array");
  return 0.0;
}

bool Model::array_bool(const ArrayView& array, std::uint64_t index) const {
  const Value value = array_element(array, index);
  if (const auto b = value.as_bool()) return *b;
  if (const auto* u = std::get_if<std::uint64_t>(&value.data)) return *u != 0;
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return *i != 0;
  if (const auto d = value.as_float()) return *d != 0.0;
  assert(false && "array_bool on a string array");
  return false;
}

std::vector<std::string_view> Model::array_strings(const ArrayView& array, std::uint64_t limit) const {
  assert(array.element_type == ValueType::string);
  std::vector<std::string_view> out;
  const auto* base = m_file.bytes().data();
  std::uint64_t pos = array.offset;
  for (std::uint64_t i = 0; i < array.count && i < limit; ++i) {  // bounds validated by the parser
    const auto length = load<std::uint64_t>(base + pos, m_order);
    pos += 8;
    out.emplace_back(reinterpret_cast<const char*>(base + pos), static_cast<std::size_t>(length));
    pos += length;
  }
  return out;
}

float Model::read_f32(const TensorInfo& tensor, std::uint64_t element) const {
  return std::bit_cast<float>(read_f32_bits(tensor, element));
}

std::uint32_t Model::read_f32_bits(const TensorInfo& tensor, std::uint64_t element) const {
  assert(tensor.type == TensorType::F32 && element < tensor.element_count);
  return load<std::uint32_t>(m_file.bytes().data() + tensor.file_offset + element * 4, m_order);
}

}  // namespace f32patch::gguf
