// Digests of files that have been published, built in so that `hash` and `verify` can say
// which release a file is.
//
// The Gemma 4 31B "L25+L26 x1.5" release (morphicode-jp/f32-patch-gemma,
// publish/release_v1/HF_README_Q*.md) lists the whole-file MD5 of each patched file. A file
// matches only if it is byte-identical to the author's: the same base download, patched with
// the same arithmetic.
#pragma once

#include <span>
#include <string_view>

#include <f32patch/verify/algorithm.hpp>

namespace f32patch::verify {

struct PublishedDigest {
  Algorithm algorithm;
  std::string_view hex;      // lower case
  std::string_view release;  // what the file is, for messages
};

std::span<const PublishedDigest> published_digests() noexcept;

// The published file with this digest, or nullptr. `hex` must be lower case.
const PublishedDigest* find_published(Algorithm algorithm, std::string_view hex) noexcept;

}  // namespace f32patch::verify
