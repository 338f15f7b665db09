// The CLI's text helpers: escaping and shortening strings from a file, padding by characters.
#include <string>

#include <gtest/gtest.h>

#include <f32patch/gguf/text.hpp>

#include "cli/text_format.hpp"

namespace f32patch::cli {
namespace {

TEST(EscapeForDisplayTest, EscapesQuotesControlsAndInvalidBytes) {
  EXPECT_EQ(escape_for_display("a\"b\\c\n\x1b\xff", 0), "a\\\"b\\\\c\\n\\x1b\\xff");
}

TEST(EscapeForDisplayTest, ShortensByCharactersIntoValidUtf8) {
  // 30 two-byte characters cut at 24: a byte cut at 24 would split the 13th character.
  std::string text;
  for (int i = 0; i < 30; ++i) text += "é";
  const std::string shown = escape_for_display(text, 24);
  EXPECT_TRUE(gguf::is_valid_utf8(shown));
  EXPECT_EQ(shown.substr(0, 48), text.substr(0, 48));
  EXPECT_EQ(shown.substr(48), "… (60 bytes)");
}

TEST(PadTest, PadsByCharactersNotBytes) {
  EXPECT_EQ(pad_right("▁a", 4), "▁a  ");
  EXPECT_EQ(pad_right("abcdef", 4), "abcdef");
  EXPECT_EQ(pad_left("é", 3), "  é");
}

TEST(HexBytesTest, LowerCaseHex) { EXPECT_EQ(hex_bytes("\x01\xff" "A"), "01ff41"); }

}  // namespace
}  // namespace f32patch::cli
