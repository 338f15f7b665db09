// The digest algorithms f32patch computes, described once in a table.
//
// Each row gives the name used on the command line and in manifests, the BSD tag coreutils and
// xxhsum write with --tag, the digest size, the standard tool that prints and checks the same
// digest, and how that tool writes check lines. The digests themselves come from OpenSSL's EVP
// (MD5, SHA-256) and xxHash (XXH3-128, XXH64, XXH3-64) through an init/update/final adaptor per
// row (src/verify/algorithm.cpp); nothing here is a hand-written digest.
//
// Names follow xxhsum: `xxh3` is XXH3-64 (`xxhsum -H3`, tag XXH3), `xxh128` is XXH3-128
// (`xxhsum -H2`, tag XXH128), `xxh64` is XXH64 (`xxhsum -H1`).
//
// Hex digests are lower case, in the byte order the standard tools print: OpenSSL's digest
// bytes for MD5 and SHA-256, xxHash's canonical (big-endian) form for the xxHash digests, which
// is what `xxhsum -H2`, `-H1` and `-H3` print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/util/hex.hpp>

namespace f32patch::verify {

// New rows go at the end: the enum order is the order lines are printed in.
enum class Algorithm : std::uint8_t { md5, sha256, xxh128, xxh64, xxh3 };
inline constexpr std::size_t algorithm_count = 5;

struct AlgorithmInfo {
  Algorithm id;
  std::string_view name;          // "md5": --algo, manifests
  std::string_view bsd_tag;       // "MD5": `MD5 (file) = hex`
  std::size_t digest_size;        // bytes; the hex form has twice as many digits
  std::string_view print_tool;    // the standard tool that prints the same digest
  std::string_view check_tool;    // ... and the one that checks our lines
  // The check tool reads coreutils' escaped names (`\` line prefix, `\\`, `\n`, `\r`).
  // md5sum and sha256sum do; xxhsum 0.8.1 does not: it takes a backslash literally.
  bool tool_unescapes_names;
  // The print tool writes the BSD form even without --tag: xxhsum -H3 does, since an untagged
  // 16-digit line would read as XXH64.
  bool always_tagged;

  std::size_t hex_length() const noexcept { return 2 * digest_size; }
};

// All rows, in enum order (also the order lines are printed in when several are requested).
std::span<const AlgorithmInfo> algorithms() noexcept;
const AlgorithmInfo& info(Algorithm algorithm) noexcept;

// "md5", "sha256", "xxh128", "xxh64", "xxh3" (case-insensitive; also "sha-256", "xxh3-128",
// "xxh3_128" for xxh128 and "xxh3-64", "xxh3_64" for xxh3).
std::optional<Algorithm> algorithm_from_name(std::string_view name);
// The BSD tag exactly as coreutils and xxhsum write it: "MD5", "SHA256", "XXH128", "XXH64",
// "XXH3".
std::optional<Algorithm> algorithm_from_tag(std::string_view tag);
// A comma-separated list ("md5,sha256"); duplicates are dropped, order is kept. Throws
// Error{usage} naming the unknown entry, or for an empty list.
std::vector<Algorithm> parse_algorithm_list(std::string_view list);
// "md5, sha256, xxh128, xxh64, xxh3", for help texts and messages.
std::string algorithm_names();

// `hex` as a digest of `algorithm`: the right number of hex digits, either case. Returns the
// lower-case form, or nothing when it is not one.
std::optional<std::string> normalize_hex(Algorithm algorithm, std::string_view hex);

// A running digest of one algorithm (RAII, move-only). update() any number of times, then
// finish() once.
class Digest {
 public:
  explicit Digest(Algorithm algorithm);
  Digest(Digest&& other) noexcept;
  Digest& operator=(Digest&& other) noexcept;
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  ~Digest();

  Algorithm algorithm() const noexcept { return m_algorithm; }
  void update(std::span<const std::byte> bytes);
  // The lower-case hex digest. The digest cannot be updated or finished again afterwards.
  std::string finish();

 private:
  Algorithm m_algorithm;
  void* m_state = nullptr;  // owned; its type depends on the algorithm (see the adaptor table)
};

// The hex digest of a byte string, for tests and small inputs.
std::string digest_hex(Algorithm algorithm, std::span<const std::byte> bytes);

}  // namespace f32patch::verify
