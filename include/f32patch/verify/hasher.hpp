// Whole-file hashing: one sequential read feeds every requested digest, each digest running in
// its own thread, with memory bounded by HashOptions whatever the file size.
//
// One reader thread (the caller's) fills a ring of blocks with large read()s; one worker
// thread per digest consumes each block in order; a block is reused once every worker is done
// with it. So md5 + sha256 + xxh128 together take about as long as the slowest one alone, as
// long as there are cores for them.
//
// Substitutions: given a list of {offset, bytes}, the same single read also yields the
// digests of the file as it would be with those bytes replaced ("substituted"), without
// writing anything. `apply --verify` uses this to print the digests before and after a patch,
// and to check --expect-* gates, before it writes a byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/verify/algorithm.hpp>

namespace f32patch::verify {

// Replace the bytes at [offset, offset + bytes.size()) of the stream with `bytes`. The stream
// keeps its length: a substitution cannot extend a file.
struct Substitution {
  std::uint64_t offset = 0;
  std::vector<std::byte> bytes;
};

struct NamedDigest {
  Algorithm algorithm = Algorithm::md5;
  std::string hex;  // lower case
};

struct HashResult {
  std::uint64_t size = 0;                 // bytes read
  std::vector<NamedDigest> original;      // one per requested algorithm, in request order
  std::vector<NamedDigest> substituted;   // same order; empty when no substitutions were given

  // The hex digest of `algorithm`, or "" when it was not requested.
  std::string_view original_hex(Algorithm algorithm) const noexcept;
  std::string_view substituted_hex(Algorithm algorithm) const noexcept;
};

// Called on the caller's thread after each block is read and at the end: `done` is the number
// of bytes every digest has consumed, `total` the expected size (0 when unknown, as for a
// pipe). It may throw (for example Error{interrupted}) to stop hashing: the workers are joined
// and the exception propagates.
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct HashOptions {
  std::size_t block_size = std::size_t{1} << 20;  // bytes per read(); also the unit of work
  std::size_t block_count = 8;                     // blocks in flight: memory = size * count
};

// Hashes the file at `path` (read-only, sequential read-ahead hint). Errors are
// f32patch::Error naming `path`: io when it cannot be opened or read (a directory fails with
// "Is a directory", as md5sum does); state_conflict when a substitution lies past the end of
// the file; usage when substitutions overlap.
HashResult hash_file(const std::string& path, std::span<const Algorithm> algorithms,
                     std::span<const Substitution> substitutions = {},
                     const ProgressFn& progress = {}, const HashOptions& options = {});

// The same over an open descriptor (standard input, a pipe), read until end of file; `name` is
// used in errors. `expected_size` is passed to the progress callback (0: unknown).
HashResult hash_descriptor(int fd, const std::string& name, std::span<const Algorithm> algorithms,
                           std::span<const Substitution> substitutions = {},
                           const ProgressFn& progress = {}, const HashOptions& options = {},
                           std::uint64_t expected_size = 0);

// Digests of a byte range already in memory (a tensor in a mapping), computed on the calling
// thread, one per algorithm in the order given.
std::vector<NamedDigest> hash_bytes(std::span<const std::byte> bytes,
                                    std::span<const Algorithm> algorithms);

}  // namespace f32patch::verify
