// The built-in published digests: well-formed rows and lookups.
#include <gtest/gtest.h>

#include <f32patch/verify/published.hpp>

namespace f32patch::verify {
namespace {

TEST(VerifyPublished, RowsAreLowerCaseDigestsOfTheirAlgorithm) {
  ASSERT_EQ(published_digests().size(), 3u);
  for (const PublishedDigest& row : published_digests()) {
    EXPECT_EQ(normalize_hex(row.algorithm, row.hex), std::string(row.hex)) << row.release;
    EXPECT_FALSE(row.release.empty());
    EXPECT_EQ(find_published(row.algorithm, row.hex), &row);
  }
}

TEST(VerifyPublished, FindsTheL25L26Releases) {
  const auto* q2 = find_published(Algorithm::md5, "28f13a6f87d01fdaebb72cdc8aa9faec");
  ASSERT_NE(q2, nullptr);
  EXPECT_NE(q2->release.find("Q2_K"), std::string_view::npos);
  EXPECT_NE(find_published(Algorithm::md5, "0985dd00c5408169d77cd4c3c021fda6"), nullptr);
  EXPECT_NE(find_published(Algorithm::md5, "2c348ed9c3c499587343a93de07a84ce"), nullptr);
  EXPECT_EQ(find_published(Algorithm::xxh128, "28f13a6f87d01fdaebb72cdc8aa9faec"), nullptr);
  EXPECT_EQ(find_published(Algorithm::md5, "d41d8cd98f00b204e9800998ecf8427e"), nullptr);
}

}  // namespace
}  // namespace f32patch::verify
