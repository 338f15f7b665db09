// Hexadecimal text: digests, the original and patched bytes in journals, substitutions on the
// command line, content-addressed blob names. One implementation for all of them.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace f32patch {

bool is_hex_digit(char c) noexcept;  // 0-9, a-f, A-F
// Only 0-9 and a-f (the form sha256 blob names and digests are written in).
bool is_lower_hex(std::string_view text) noexcept;
// Lower-case hex, two digits a byte.
std::string to_hex(std::span<const std::byte> bytes);
// The bytes of an even number of hex digits (either case); nullopt for anything else.
std::optional<std::vector<std::byte>> from_hex(std::string_view text);

}  // namespace f32patch
