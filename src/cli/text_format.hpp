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

// Control characters, quotes and backslashes escaped; cut after `limit` characters (0: never).
std::string escape_for_display(std::string_view text, std::size_t limit);
std::string human_bytes(std::uint64_t bytes);   // "7.73 GB"
std::string hex_bits(std::uint32_t bits);       // "0x3fc00000"
// A float as the shortest decimal that reads back to the same float (0.15855116, not
// 0.1585511565208435), or null when it is not finite (JSON has no NaN or infinity).
nlohmann::ordered_json float_json(float value);

// fmt::format_to onto the end of a string.
template <typename... Args>
void append(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

}  // namespace f32patch::cli
