// Showing strings that come from a GGUF file.
//
// Keys, tensor names and string values are bytes: the spec says UTF-8 and no reader checks it.
// None of them may reach a terminal as is, where an ESC sequence or a newline in a tensor name
// could recolour the screen or forge a line such as "f32patch: error: ...". Every sentence the
// library builds (error messages, notes) and every human-readable line the CLI prints passes
// such strings through display_text() first; JSON carries the exact bytes instead.
//
// The escapes are C-style and unambiguous: \n \t \r, \xHH for the other control bytes (below
// 0x20, and 0x7f) and for every byte that is not part of valid UTF-8, \u0080-\u009f for the C1
// control characters, \\ for a backslash (and \" when asked). Anything else, including valid
// multi-byte UTF-8, is kept, so "▁hello" stays readable.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace f32patch::gguf {

struct DisplayOptions {
  // Keep at most this many characters (code points; an invalid byte counts as one) and add
  // "… (N bytes)"; 0 keeps everything. The cut never splits a character.
  std::size_t max_chars = 0;
  bool escape_double_quote = false;  // \" (for text shown between double quotes)
  bool escape_backslash = true;      // false only for the diagnostics' last line of defence,
                                     // whose text is already escaped where it quotes the file
};

// `text` made safe and unambiguous for a terminal (see above). The result is valid UTF-8.
std::string display_text(std::string_view text, const DisplayOptions& options = {});

// display_text() between single quotes: the form error messages use for keys and tensor names.
std::string quoted(std::string_view text);

// True when `text` is entirely valid UTF-8 (no overlong forms, surrogates or values above
// U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

// Columns a valid UTF-8 string occupies, counted as code points (display_text()'s output is
// always valid UTF-8). Wide East Asian characters count as one.
std::size_t display_width(std::string_view utf8) noexcept;

}  // namespace f32patch::gguf
