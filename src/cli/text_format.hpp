// Small text helpers shared by the commands' human and JSON output.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace f32patch::cli {

// A string from the file, made safe for a terminal (gguf::display_text): control characters,
// invalid UTF-8 bytes, backslashes and double quotes escaped; cut after `limit` characters
// (code points; 0: never) with "… (N bytes)", never inside a multi-byte character.
std::string escape_for_display(std::string_view text, std::size_t limit);
// `text` (valid UTF-8, e.g. escape_for_display's result) padded with spaces to `width`
// columns, counted in code points; never cut.
std::string pad_right(std::string_view text, std::size_t width);
std::string pad_left(std::string_view text, std::size_t width);
std::string human_bytes(std::uint64_t bytes);   // "7.73 GB"
std::string hex_bits(std::uint32_t bits);       // "0x3fc00000"
std::string hex_bytes(std::string_view bytes);  // "e2968168656c6c6f"
// A float as the shortest decimal that reads back to the same float (0.15855116, not
// 0.1585511565208435), or null when it is not finite (JSON has no NaN or infinity).
nlohmann::ordered_json float_json(float value);

// fmt::format_to onto the end of a string.
template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace f32patch::cli
