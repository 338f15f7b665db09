#include <f32patch/gguf/text.hpp>

#include <cstdint>

#include <fmt/format.h>

namespace f32patch::gguf {

namespace {

// Length of the valid UTF-8 sequence at the start of `s` (1-4), or 0 when its first byte does
// not start one. Follows the Unicode table of well-formed byte sequences (Table 3-7), so
// overlong forms, surrogates and values above U+10FFFF are invalid. `code_point` receives the
// decoded value.
std::size_t utf8_sequence(std::string_view s, char32_t& code_point) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    code_point = b0;
    return 1;
  }
  std::size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;        // overlong
    else if (b0 == 0xED) hi = 0x9F;   // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;        // overlong
    else if (b0 == 0xF4) hi = 0x8F;   // above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < length) return 0;
  if (byte(1) < lo || byte(1) > hi) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  char32_t value = b0 & (0xFF >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) value = (value << 6) | (byte(i) & 0x3F);
  code_point = value;
  return length;
}

void append_hex_byte(std::string& out, unsigned char b) { out += fmt::format("\\x{:02x}", b); }

}  // namespace

std::string display_text(std::string_view text, const DisplayOptions& options) {
  std::string out;
  out.reserve(text.size());
  std::size_t shown = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (options.max_chars != 0 && shown == options.max_chars) {
      out += fmt::format("… ({} bytes)", text.size());
      break;
    }
    ++shown;
    char32_t cp = 0;
    const std::size_t length = utf8_sequence(text.substr(pos), cp);
    if (length == 0) {  // not UTF-8: shown byte by byte
      append_hex_byte(out, static_cast<unsigned char>(text[pos]));
      ++pos;
      continue;
    }
    if (length > 1) {
      if (cp >= 0x80 && cp <= 0x9F) {  // C1 controls (U+009B is a CSI on some terminals)
        out += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(cp));
      } else {
        out.append(text, pos, length);
      }
      pos += length;
      continue;
    }
    const char c = text[pos++];
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += options.escape_backslash ? "\\\\" : "\\"; break;
      case '"': out += options.escape_double_quote ? "\\\"" : "\""; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          append_hex_byte(out, static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string quoted(std::string_view text) { return "'" + display_text(text) + "'"; }

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = 0;
    const std::size_t length = utf8_sequence(text.substr(pos), cp);
    if (length == 0) return false;
    pos += length;
  }
  return true;
}

std::size_t display_width(std::string_view utf8) noexcept {
  std::size_t width = 0;
  for (const char c : utf8) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return width;
}

}  // namespace f32patch::gguf
