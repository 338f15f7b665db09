// The algorithm table and the Digest adaptor: known answers for every row (the values md5sum,
// sha256sum, xxhsum -H2, xxhsum -H1 and xxhsum -H3 print), names, tags and hex handling.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/util/error.hpp>
#include <f32patch/verify/algorithm.hpp>

namespace f32patch::verify {
namespace {

std::span<const std::byte> bytes_of(std::string_view text) {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

struct KnownAnswer {
  Algorithm algorithm;
  std::string_view input;
  std::string_view hex;
};

// md5sum / sha256sum / xxhsum -H2 / xxhsum -H1 / xxhsum -H3 (0.8.1) output for these inputs.
constexpr KnownAnswer k_known[] = {
    {Algorithm::md5, "", "d41d8cd98f00b204e9800998ecf8427e"},
    {Algorithm::md5, "abc", "900150983cd24fb0d6963f7d28e17f72"},
    {Algorithm::sha256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
    {Algorithm::sha256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {Algorithm::xxh128, "", "99aa06d3014798d86001c324468d497f"},
    {Algorithm::xxh128, "abc", "06b05ab6733a618578af5f94892f3950"},
    {Algorithm::xxh64, "", "ef46db3751d8e999"},
    {Algorithm::xxh64, "abc", "44bc2cf5ad770999"},
    {Algorithm::xxh3, "", "2d06800538d394c2"},
    {Algorithm::xxh3, "abc", "78af5f94892f3950"},
};

TEST(VerifyAlgorithm, KnownAnswers) {
  for (const KnownAnswer& known : k_known) {
    EXPECT_EQ(digest_hex(known.algorithm, bytes_of(known.input)), known.hex)
        << info(known.algorithm).name << " of '" << known.input << "'";
  }
}

TEST(VerifyAlgorithm, UpdatesInPiecesEqualOneUpdate) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += static_cast<char>('a' + i % 26);
  for (const AlgorithmInfo& row : algorithms()) {
    Digest digest(row.id);
    for (std::size_t pos = 0; pos < text.size(); pos += 37) {
      digest.update(bytes_of(std::string_view(text).substr(pos, 37)));
    }
    digest.update({});
    EXPECT_EQ(digest.finish(), digest_hex(row.id, bytes_of(text))) << row.name;
  }
}

TEST(VerifyAlgorithm, TableRowsAreConsistent) {
  ASSERT_EQ(algorithms().size(), algorithm_count);
  for (std::size_t i = 0; i < algorithms().size(); ++i) {
    const AlgorithmInfo& row = algorithms()[i];
    EXPECT_EQ(static_cast<std::size_t>(row.id), i);
    EXPECT_EQ(&info(row.id), &row);
    EXPECT_EQ(digest_hex(row.id, {}).size(), row.hex_length()) << row.name;
    EXPECT_EQ(algorithm_from_name(row.name), row.id);
    EXPECT_EQ(algorithm_from_tag(row.bsd_tag), row.id);
  }
  EXPECT_EQ(info(Algorithm::md5).bsd_tag, "MD5");
  EXPECT_EQ(info(Algorithm::sha256).bsd_tag, "SHA256");
  EXPECT_EQ(info(Algorithm::xxh128).bsd_tag, "XXH128");
  EXPECT_EQ(info(Algorithm::xxh64).bsd_tag, "XXH64");
  EXPECT_EQ(info(Algorithm::xxh3).bsd_tag, "XXH3");
  EXPECT_EQ(info(Algorithm::xxh3).print_tool, "xxhsum -H3");
  EXPECT_EQ(info(Algorithm::xxh3).digest_size, 8u);
  EXPECT_EQ(algorithm_names(), "md5, sha256, xxh128, xxh64, xxh3");
}

TEST(VerifyAlgorithm, KnowsHowEachToolWritesItsLines) {
  // md5sum and sha256sum read coreutils' escaped names; xxhsum 0.8.1 takes a backslash as is.
  EXPECT_TRUE(info(Algorithm::md5).tool_unescapes_names);
  EXPECT_TRUE(info(Algorithm::sha256).tool_unescapes_names);
  EXPECT_FALSE(info(Algorithm::xxh128).tool_unescapes_names);
  EXPECT_FALSE(info(Algorithm::xxh64).tool_unescapes_names);
  EXPECT_FALSE(info(Algorithm::xxh3).tool_unescapes_names);
  // xxhsum -H3 prints `XXH3 (file) = hex` with or without --tag; no other tool tags by itself.
  for (const AlgorithmInfo& row : algorithms()) {
    EXPECT_EQ(row.always_tagged, row.id == Algorithm::xxh3) << row.name;
  }
}

TEST(VerifyAlgorithm, NamesAndTags) {
  EXPECT_EQ(algorithm_from_name("MD5"), Algorithm::md5);
  EXPECT_EQ(algorithm_from_name("SHA-256"), Algorithm::sha256);
  // xxh3 is XXH3-64, as xxhsum's -H3 and its XXH3 tag mean; XXH3-128 is xxh128.
  EXPECT_EQ(algorithm_from_name("xxh3"), Algorithm::xxh3);
  EXPECT_EQ(algorithm_from_name("XXH3-64"), Algorithm::xxh3);
  EXPECT_EQ(algorithm_from_name("xxh3_64"), Algorithm::xxh3);
  EXPECT_EQ(algorithm_from_name("xxh3-128"), Algorithm::xxh128);
  EXPECT_EQ(algorithm_from_name("xxh3_128"), Algorithm::xxh128);
  EXPECT_EQ(algorithm_from_name("sha1"), std::nullopt);
  EXPECT_EQ(algorithm_from_tag("md5"), std::nullopt);  // tags are exact, as coreutils reads them
  EXPECT_EQ(algorithm_from_tag("XXH3"), Algorithm::xxh3);
  EXPECT_EQ(algorithm_from_tag("XXH32"), std::nullopt);
}

TEST(VerifyAlgorithm, ParsesAlgorithmLists) {
  EXPECT_EQ(parse_algorithm_list("md5"), std::vector<Algorithm>{Algorithm::md5});
  EXPECT_EQ(parse_algorithm_list("xxh64,md5,,md5,sha256"),
            (std::vector<Algorithm>{Algorithm::xxh64, Algorithm::md5, Algorithm::sha256}));
  try {
    parse_algorithm_list("md5,crc32");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::usage);
    EXPECT_NE(e.message().find("crc32"), std::string::npos);
  }
  EXPECT_THROW(parse_algorithm_list(""), Error);
  EXPECT_THROW(parse_algorithm_list(","), Error);
}

TEST(VerifyAlgorithm, NormalizesHex) {
  EXPECT_EQ(normalize_hex(Algorithm::xxh64, "44BC2CF5AD770999"), "44bc2cf5ad770999");
  EXPECT_EQ(normalize_hex(Algorithm::xxh64, "44bc2cf5ad77099"), std::nullopt);   // too short
  EXPECT_EQ(normalize_hex(Algorithm::xxh64, "44bc2cf5ad77099g"), std::nullopt);  // not hex
  EXPECT_EQ(normalize_hex(Algorithm::md5, "44bc2cf5ad770999"), std::nullopt);    // wrong length
  const std::byte raw[] = {std::byte{0x00}, std::byte{0xAB}, std::byte{0xFF}};
  EXPECT_EQ(to_hex(raw), "00abff");
}

TEST(VerifyAlgorithm, DigestIsMoveOnlyAndFinishesOnce) {
  Digest a(Algorithm::sha256);
  a.update(bytes_of("ab"));
  Digest b(std::move(a));
  b.update(bytes_of("c"));
  Digest c(Algorithm::md5);
  c = std::move(b);
  EXPECT_EQ(c.algorithm(), Algorithm::sha256);
  EXPECT_EQ(c.finish(), digest_hex(Algorithm::sha256, bytes_of("abc")));
  EXPECT_THROW(c.finish(), std::logic_error);
  EXPECT_THROW(c.update(bytes_of("x")), std::logic_error);
}

}  // namespace
}  // namespace f32patch::verify
