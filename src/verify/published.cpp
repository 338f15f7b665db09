#include <f32patch/verify/published.hpp>

#include <array>

namespace f32patch::verify {

namespace {

constexpr std::array<PublishedDigest, 3> k_published{{
    {Algorithm::md5, "0985dd00c5408169d77cd4c3c021fda6",
     "Gemma 4 31B IQ1_M with layers 25 and 26 x1.5 (morphicode-jp L25+L26 release)"},
    {Algorithm::md5, "28f13a6f87d01fdaebb72cdc8aa9faec",
     "Gemma 4 31B Q2_K with layers 25 and 26 x1.5 (morphicode-jp L25+L26 release)"},
    {Algorithm::md5, "2c348ed9c3c499587343a93de07a84ce",
     "Gemma 4 31B Q4_K_M with layers 25 and 26 x1.5 (morphicode-jp L25+L26 release)"},
}};

// Each row's hex is checked against the algorithm table by tests/unit/verify_published_test.cpp.

}  // namespace

std::span<const PublishedDigest> published_digests() noexcept { return k_published; }

const PublishedDigest* find_published(Algorithm algorithm, std::string_view hex) noexcept {
  for (const PublishedDigest& row : k_published) {
    if (row.algorithm == algorithm && row.hex == hex) return &row;
  }
  return nullptr;
}

}  // namespace f32patch::verify
