// The streaming multi-digest hasher: every digest of every file size and block layout equals
// the digest of the bytes in memory; substitutions give the digests of the patched bytes in the
// same read, across block boundaries; errors name the file; progress is reported and can stop
// the work.
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <f32patch/util/error.hpp>
#include <f32patch/verify/hasher.hpp>

#include "support/gguf_writer.hpp"
#include "support/temp_dir.hpp"

namespace f32patch::verify {
namespace {

using testing::TempDir;

constexpr Algorithm k_all[] = {Algorithm::md5, Algorithm::sha256, Algorithm::xxh128, Algorithm::xxh64};

std::vector<std::uint8_t> random_bytes(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> bytes(size);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

std::span<const std::byte> as_span(const std::vector<std::uint8_t>& bytes) {
  return std::as_bytes(std::span<const std::uint8_t>(bytes));
}

void expect_digests_of(const std::vector<NamedDigest>& digests,
                       const std::vector<std::uint8_t>& bytes, const std::string& what) {
  ASSERT_EQ(digests.size(), std::size(k_all)) << what;
  for (std::size_t i = 0; i < digests.size(); ++i) {
    EXPECT_EQ(digests[i].algorithm, k_all[i]) << what;
    EXPECT_EQ(digests[i].hex, digest_hex(k_all[i], as_span(bytes)))
        << what << ", " << info(k_all[i]).name;
  }
}

TEST(VerifyHasher, EveryDigestOfEverySizeAndBlockLayout) {
  TempDir dir;
  const std::size_t sizes[] = {0, 1, 63, 64, 65, 1000, 4096, 100000};
  const HashOptions layouts[] = {{1, 1}, {7, 2}, {64, 3}, {4096, 1}, {1 << 20, 8}};
  for (const std::size_t size : sizes) {
    const auto bytes = random_bytes(size, static_cast<std::uint32_t>(size));
    const std::string path = dir.file(std::string("f").append(std::to_string(size)));
    testing::write_file_bytes(path, bytes);
    for (const HashOptions& layout : layouts) {
      if (layout.block_size == 1 && size > 1000) continue;  // slow and adds nothing
      const std::string what =
          "size " + std::to_string(size) + ", blocks of " + std::to_string(layout.block_size);
      const HashResult result = hash_file(path, k_all, {}, {}, layout);
      EXPECT_EQ(result.size, size) << what;
      EXPECT_TRUE(result.substituted.empty()) << what;
      expect_digests_of(result.original, bytes, what);
    }
  }
}

TEST(VerifyHasher, LooksUpDigestsByAlgorithm) {
  TempDir dir;
  testing::write_file_bytes(dir.file("abc"), {'a', 'b', 'c'});
  const Algorithm some[] = {Algorithm::xxh64, Algorithm::md5};
  const HashResult result = hash_file(dir.file("abc"), some);
  EXPECT_EQ(result.original_hex(Algorithm::md5), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(result.original_hex(Algorithm::xxh64), "44bc2cf5ad770999");
  EXPECT_EQ(result.original_hex(Algorithm::sha256), "");
  EXPECT_EQ(result.substituted_hex(Algorithm::md5), "");
  EXPECT_EQ(hash_file(dir.file("abc"), {}).size, 3u);  // no digests: just reads
}

struct SubstitutionCase {
  std::string name;
  std::size_t size;
  std::vector<std::pair<std::uint64_t, std::size_t>> ranges;  // offset, length
};

TEST(VerifyHasher, SubstitutedDigestsEqualDigestsOfThePatchedBytes) {
  TempDir dir;
  const std::vector<SubstitutionCase> cases = {
      {"one f32 inside a block", 10000, {{4000, 4}}},
      {"at the start", 10000, {{0, 4}}},
      {"at the very end", 10000, {{9996, 4}}},
      {"spanning block boundaries", 10000, {{60, 10}, {127, 2}, {1000, 3000}}},
      {"unsorted and adjacent", 5000, {{300, 8}, {100, 8}, {108, 8}, {4999, 1}}},
      {"whole file", 777, {{0, 777}}},
      {"many scalars", 65536, {{25 * 1024, 4}, {26 * 1024, 4}, {40000, 4}, {65532, 4}}},
  };
  const HashOptions layouts[] = {{64, 2}, {100, 1}, {4096, 4}, {1 << 20, 8}};
  std::uint32_t seed = 7;
  for (const SubstitutionCase& c : cases) {
    const auto bytes = random_bytes(c.size, ++seed);
    const std::string path = dir.file("s");
    testing::write_file_bytes(path, bytes);
    std::vector<Substitution> subs;
    auto patched = bytes;
    for (const auto& [offset, length] : c.ranges) {
      Substitution sub{offset, {}};
      for (const auto b : random_bytes(length, ++seed)) sub.bytes.push_back(std::byte{b});
      std::memcpy(patched.data() + offset, sub.bytes.data(), length);
      subs.push_back(sub);
    }
    for (const HashOptions& layout : layouts) {
      const std::string what = c.name + ", blocks of " + std::to_string(layout.block_size);
      const HashResult result = hash_file(path, k_all, subs, {}, layout);
      expect_digests_of(result.original, bytes, what + " (original)");
      expect_digests_of(result.substituted, patched, what + " (substituted)");
    }
  }
}

TEST(VerifyHasher, EmptySubstitutionsStillGiveSubstitutedDigests) {
  TempDir dir;
  const auto bytes = random_bytes(100, 3);
  testing::write_file_bytes(dir.file("x"), bytes);
  const std::vector<Substitution> subs{{50, {}}};
  const HashResult result = hash_file(dir.file("x"), k_all, subs);
  expect_digests_of(result.substituted, bytes, "no-op substitution");
}

template <typename Fn>
Error error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected an f32patch::Error";
  return Error(ErrorCode::io, {}, {});
}

TEST(VerifyHasher, ErrorsNameTheFile) {
  TempDir dir;
  const std::string missing = dir.file("missing.gguf");
  Error e = error_of([&] { hash_file(missing, k_all); });
  EXPECT_EQ(e.code(), ErrorCode::io);
  EXPECT_EQ(e.path(), missing);
  EXPECT_NE(e.message().find("No such file"), std::string::npos) << e.message();

  e = error_of([&] { hash_file(dir.path(), k_all); });
  EXPECT_EQ(e.code(), ErrorCode::io);
  EXPECT_NE(e.message().find("Is a directory"), std::string::npos) << e.message();

  testing::write_file_bytes(dir.file("small"), random_bytes(100, 1));
  const std::vector<Substitution> past_end{{98, {std::byte{1}, std::byte{2}, std::byte{3}}}};
  e = error_of([&] { hash_file(dir.file("small"), k_all, past_end); });
  EXPECT_EQ(e.code(), ErrorCode::state_conflict);
  EXPECT_NE(e.message().find("past the end of the file (100 bytes)"), std::string::npos) << e.message();

  const std::vector<Substitution> overlapping{{10, {std::byte{1}, std::byte{2}}},
                                              {11, {std::byte{3}}}};
  e = error_of([&] { hash_file(dir.file("small"), k_all, overlapping); });
  EXPECT_EQ(e.code(), ErrorCode::usage);
  EXPECT_NE(e.message().find("overlap"), std::string::npos) << e.message();
}

TEST(VerifyHasher, ReadsPipesToTheEnd) {
  const auto bytes = random_bytes(300000, 11);  // more than a pipe buffer
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([&] {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fds[1], bytes.data() + done, std::min<std::size_t>(bytes.size() - done, 777));
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
  });
  const std::vector<Substitution> subs{{299996, {std::byte{0}, std::byte{0}, std::byte{0xc0}, std::byte{0x3f}}}};
  const HashResult result = hash_descriptor(fds[0], "pipe", k_all, subs, {}, {4096, 3});
  writer.join();
  ::close(fds[0]);
  EXPECT_EQ(result.size, bytes.size());
  expect_digests_of(result.original, bytes, "pipe");
  auto patched = bytes;
  std::memcpy(patched.data() + 299996, subs[0].bytes.data(), 4);
  expect_digests_of(result.substituted, patched, "pipe, substituted");
}

TEST(VerifyHasher, SubstitutionPastTheEndOfAStreamIsAnError) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "abcd", 4), 4);
  ::close(fds[1]);
  const std::vector<Substitution> subs{{4, {std::byte{1}}}};
  const Error e = error_of([&] { hash_descriptor(fds[0], "pipe", k_all, subs); });
  ::close(fds[0]);
  EXPECT_EQ(e.code(), ErrorCode::state_conflict);
  EXPECT_EQ(e.path(), "pipe");
}

TEST(VerifyHasher, ReportsProgressUpToTheSize) {
  TempDir dir;
  testing::write_file_bytes(dir.file("p"), random_bytes(10000, 5));
  std::vector<std::pair<std::uint64_t, std::uint64_t>> calls;
  hash_file(dir.file("p"), k_all, {}, [&](std::uint64_t done, std::uint64_t total) {
    calls.emplace_back(done, total);
  }, {1000, 2});
  ASSERT_GE(calls.size(), 10u);
  for (std::size_t i = 1; i < calls.size(); ++i) {
    EXPECT_LE(calls[i - 1].first, calls[i].first);
    EXPECT_EQ(calls[i].second, 10000u);
  }
  EXPECT_EQ(calls.back().first, 10000u);
}

TEST(VerifyHasher, AThrowingProgressCallbackStopsTheWork) {
  TempDir dir;
  testing::write_file_bytes(dir.file("p"), random_bytes(100000, 5));
  int calls = 0;
  const Error e = error_of([&] {
    hash_file(dir.file("p"), k_all, {}, [&](std::uint64_t, std::uint64_t) {
      if (++calls == 3) throw Error(ErrorCode::interrupted, "p", "interrupted");
    }, {1000, 2});
  });
  EXPECT_EQ(e.code(), ErrorCode::interrupted);
  EXPECT_EQ(calls, 3);
}

TEST(VerifyHasher, HashesBytesInMemory) {
  const auto bytes = random_bytes(1000, 9);
  expect_digests_of(hash_bytes(as_span(bytes), k_all), bytes, "hash_bytes");
}

}  // namespace
}  // namespace f32patch::verify
