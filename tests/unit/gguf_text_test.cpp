// Showing strings from a file: escapes for control characters and invalid UTF-8, cuts that
// never split a character, widths in characters.
#include <string>

#include <gtest/gtest.h>

#include <f32patch/gguf/text.hpp>

namespace f32patch::gguf {
namespace {

TEST(DisplayTextTest, EscapesControlCharactersCStyle) {
  EXPECT_EQ(display_text("plain.name"), "plain.name");
  EXPECT_EQ(display_text("a\nb\tc\rd"), "a\\nb\\tc\\rd");
  EXPECT_EQ(display_text("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(display_text(std::string("nul\0x", 5)), "nul\\x00x");
  EXPECT_EQ(display_text("del\x7f"), "del\\x7f");
  EXPECT_EQ(display_text("back\\slash"), "back\\\\slash");
  EXPECT_EQ(display_text("say \"hi\""), "say \"hi\"");
  EXPECT_EQ(display_text("say \"hi\"", {.max_chars = 0, .escape_double_quote = true}), "say \\\"hi\\\"");
  // The forged-line attack: one line out, whatever the name holds.
  const std::string forged = display_text("x\nf32patch: error: fake");
  EXPECT_EQ(forged.find('\n'), std::string::npos);
  EXPECT_EQ(forged, "x\\nf32patch: error: fake");
}

TEST(DisplayTextTest, KeepsValidUtf8AndEscapesInvalidBytes) {
  EXPECT_EQ(display_text("▁hello héllo 日本 😀"), "▁hello héllo 日本 😀");
  EXPECT_EQ(display_text("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(display_text("\xc3"), "\\xc3");                   // lead byte without continuation
  EXPECT_EQ(display_text("\xc3(x"), "\\xc3(x");
  EXPECT_EQ(display_text("\xc0\xaf"), "\\xc0\\xaf");          // overlong '/'
  EXPECT_EQ(display_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a UTF-16 surrogate
  EXPECT_EQ(display_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(display_text("\xc2\x9b" "31m"), "\\u009b31m");    // C1 CSI
  EXPECT_EQ(display_text("\xc2\xa0"), "\xc2\xa0");            // U+00A0 is not a control
}

TEST(DisplayTextTest, ShortensOnCharacterBoundaries) {
  EXPECT_EQ(display_text("abcdef", {.max_chars = 3}), "abc… (6 bytes)");
  EXPECT_EQ(display_text("abc", {.max_chars = 3}), "abc");
  // Three characters of two bytes each, cut after two: never half a character.
  EXPECT_EQ(display_text("ééé", {.max_chars = 2}), "éé… (6 bytes)");
  EXPECT_EQ(display_text("日本語", {.max_chars = 1}), "日… (9 bytes)");
  // An invalid byte counts as one character and stays escaped.
  EXPECT_EQ(display_text("\xff\xfe\xfd", {.max_chars = 2}), "\\xff\\xfe… (3 bytes)");
  EXPECT_TRUE(is_valid_utf8(display_text("é\xff日\x80", {.max_chars = 3})));
}

TEST(DisplayTextTest, QuotedIsForMessages) { EXPECT_EQ(quoted("a\x1b"), "'a\\x1b'"); }

TEST(DisplayTextTest, LastLineOfDefenceLeavesBackslashes) {
  EXPECT_EQ(display_text("already \\x1b escaped\n", {.max_chars = 0, .escape_double_quote = false,
                                                      .escape_backslash = false}),
            "already \\x1b escaped\\n");
}

TEST(Utf8Test, ValidityAndWidth) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("▁hello"));
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x96"));  // cut short
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("▁hé"), 3u);
  EXPECT_EQ(display_width("日本"), 2u);
}

}  // namespace
}  // namespace f32patch::gguf
