#include "cursor.hpp"

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>

namespace f32patch::gguf {

std::string Section::describe() const {
  std::string out(kind);
  if (number != 0) out += fmt::format(" {} of {}", number, count);
  if (!name.empty()) out += fmt::format(" ({})", quoted(name));
  return out;
}

void Cursor::require(std::uint64_t count, std::string_view field) const {
  if (count <= remaining()) return;
  fail(fmt::format("file ends at byte {} while reading the {} of {} ({} bytes needed at byte {})",
                   size(), field, m_section.describe(), count, m_pos),
       "the file is truncated; an interrupted download or copy? compare its size with the "
       "published one and download it again");
}

std::string_view Cursor::read_string(std::string_view field, std::uint64_t max_length) {
  const auto length = read<std::uint64_t>(field);
  if (length > size()) {
    fail(fmt::format("{} length of {} is {}, larger than the whole file ({} bytes)", field,
                     m_section.describe(), length, size()));
  }
  if (length > max_length) {
    fail(fmt::format("{} of {} is {} bytes long, expected at most {}", field, m_section.describe(),
                     length, max_length));
  }
  require(length, field);
  const auto* begin = reinterpret_cast<const char*>(m_bytes.data() + m_pos);
  m_pos += length;
  return {begin, static_cast<std::size_t>(length)};
}

void Cursor::skip(std::uint64_t count, std::string_view field) {
  require(count, field);
  m_pos += count;
}

void Cursor::fail(std::string message, std::string hint) const {
  throw Error(ErrorCode::invalid_gguf, std::string(m_path), std::move(message), std::move(hint));
}

}  // namespace f32patch::gguf
