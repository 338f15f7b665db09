// Hex text, used by digests, journals, substitutions and blob names alike.
#include <gtest/gtest.h>

#include <f32patch/util/hex.hpp>

namespace f32patch {
namespace {

TEST(HexTest, RoundTripsEveryByte) {
  std::vector<std::byte> all(256);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::byte>(i);
  const std::string hex = to_hex(all);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  EXPECT_EQ(from_hex(hex), all);
}

TEST(HexTest, FromHexAcceptsEitherCaseAndRefusesTheRest) {
  EXPECT_EQ(from_hex("0aFf"), (std::vector<std::byte>{std::byte{0x0a}, std::byte{0xff}}));
  EXPECT_EQ(from_hex(""), std::vector<std::byte>{});
  EXPECT_FALSE(from_hex("abc").has_value());   // odd
  EXPECT_FALSE(from_hex("0g").has_value());    // not a digit
  EXPECT_FALSE(from_hex("0x10").has_value());  // no prefix
}

TEST(HexTest, LowerHexIsOnlyLowerCase) {
  EXPECT_TRUE(is_lower_hex("0123456789abcdef"));
  EXPECT_FALSE(is_lower_hex("ABCDEF"));
  EXPECT_FALSE(is_lower_hex("sha256"));
  EXPECT_TRUE(is_hex_digit('F'));
  EXPECT_FALSE(is_hex_digit('g'));
}

}  // namespace
}  // namespace f32patch
