// A bounds-checked cursor over the mapped bytes of a GGUF file (internal to the reader).
//
// Every read checks the bytes remaining first and, when they are not there, throws an
// Error{invalid_gguf} saying where the file ends and what was being read. The parser tells the
// cursor which record it is in (Section), so the message reads
// "file ends at byte 1230 while reading the dims of tensor info 412 of 833 ('blk.3.attn_q.weight')".
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <f32patch/util/byte_order.hpp>

namespace f32patch::gguf {

// Where the parser is: "the header", "key 12 of 51", "tensor info 412 of 833".
struct Section {
  std::string_view kind = "the header";   // "the header", "key", "tensor info"
  std::uint64_t number = 0;               // 1-based; 0 when the kind has no number
  std::uint64_t count = 0;
  std::string_view name;                  // key or tensor name once known (raw bytes)

  // "key 3 of 9 ('general.name')", the name escaped for display (gguf/text.hpp).
  std::string describe() const;
};

class Cursor {
 public:
  Cursor(std::span<const std::byte> bytes, std::string_view path, ByteOrder order)
      : m_bytes(bytes), m_path(path), m_order(order) {}

  void set_order(ByteOrder order) noexcept { m_order = order; }
  void set_section(const Section& section) noexcept { m_section = section; }
  const Section& section() const noexcept { return m_section; }

  std::uint64_t position() const noexcept { return m_pos; }
  std::uint64_t remaining() const noexcept { return m_bytes.size() - m_pos; }
  std::uint64_t size() const noexcept { return m_bytes.size(); }

  template <typename T>
  T read(std::string_view field) {
    require(sizeof(T), field);
    const T value = load<T>(m_bytes.data() + m_pos, m_order);
    m_pos += sizeof(T);
    return value;
  }

  // A GGUF string: u64 length, then the bytes (no more than `max_length`).
  std::string_view read_string(std::string_view field, std::uint64_t max_length);
  // Steps over `count` bytes.
  void skip(std::uint64_t count, std::string_view field);

  // Throws the truncation error unless `count` more bytes are available.
  void require(std::uint64_t count, std::string_view field) const;
  [[noreturn]] void fail(std::string message, std::string hint = {}) const;

 private:
  std::span<const std::byte> m_bytes;
  std::string_view m_path;
  ByteOrder m_order;
  std::uint64_t m_pos = 0;
  Section m_section;
};

}  // namespace f32patch::gguf
