#include "text_format.hpp"

#include <array>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>

namespace f32patch::cli {

std::string escape_for_display(std::string_view text, std::size_t limit) {
  return gguf::display_text(text, {.max_chars = limit, .escape_double_quote = true, .escape_backslash = true});
}

std::string pad_right(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t shown = gguf::display_width(text);
  if (shown < width) out.append(width - shown, ' ');
  return out;
}

std::string pad_left(std::string_view text, std::size_t width) {
  const std::size_t shown = gguf::display_width(text);
  std::string out(shown < width ? width - shown : 0, ' ');
  out += text;
  return out;
}

std::string human_bytes(std::uint64_t bytes) {
  constexpr std::array<std::string_view, 5> units{"B", "kB", "MB", "GB", "TB"};
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1000.0 && unit + 1 < units.size()) {
    value /= 1000.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{} B", bytes) : fmt::format("{:.2f} {}", value, units[unit]);
}

std::string hex_bits(std::uint32_t bits) { return fmt::format("0x{:08x}", bits); }

std::string hex_bytes(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) out += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return out;
}

nlohmann::ordered_json float_json(float value) {
  if (!std::isfinite(value)) return nullptr;
  return std::strtod(fmt::format("{}", value).c_str(), nullptr);
}

}  // namespace f32patch::cli
