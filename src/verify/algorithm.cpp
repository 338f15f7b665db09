#include <f32patch/verify/algorithm.hpp>

#include <array>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <xxhash.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/hex.hpp>

namespace f32patch::verify {

namespace {

constexpr std::array<AlgorithmInfo, algorithm_count> k_algorithms{{
    // id, name, tag, size, print tool, check tool, tool unescapes names, always tagged
    {Algorithm::md5, "md5", "MD5", 16, "md5sum", "md5sum -c", true, false},
    {Algorithm::sha256, "sha256", "SHA256", 32, "sha256sum", "sha256sum -c", true, false},
    {Algorithm::xxh128, "xxh128", "XXH128", 16, "xxhsum -H2", "xxhsum -c", false, false},
    {Algorithm::xxh64, "xxh64", "XXH64", 8, "xxhsum -H1", "xxhsum -c", false, false},
    {Algorithm::xxh3, "xxh3", "XXH3", 8, "xxhsum -H3", "xxhsum -c", false, true},
}};
static_assert(k_algorithms.size() == algorithm_count);
static_assert(static_cast<std::size_t>(Algorithm::xxh3) + 1 == algorithm_count,
              "algorithm_count must follow the last enumerator");

constexpr bool rows_in_enum_order() {
  for (std::size_t i = 0; i < k_algorithms.size(); ++i) {
    if (static_cast<std::size_t>(k_algorithms[i].id) != i) return false;
  }
  return true;
}
static_assert(rows_in_enum_order(), "k_algorithms must list the algorithms in enum order");

// --- init/update/final adaptors: one per library, one row per algorithm ----------------------

struct Adaptor {
  void* (*init)();
  void (*update)(void* state, const std::byte* data, std::size_t size);
  void (*final)(void* state, unsigned char* out);  // writes digest_size bytes
  void (*destroy)(void* state) noexcept;
};

[[noreturn]] void openssl_failed(std::string_view what) {
  throw Error(ErrorCode::io, {}, fmt::format("OpenSSL cannot compute {}", what),
              "the OpenSSL configuration may disable it (FIPS mode disables MD5)");
}

template <const EVP_MD* (*Md)()>
void* evp_init() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  if (EVP_DigestInit_ex(ctx, Md(), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    openssl_failed(EVP_MD_get0_name(Md()));
  }
  return ctx;
}
void evp_update(void* state, const std::byte* data, std::size_t size) {
  if (EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(state), data, size) != 1) {
    openssl_failed("a digest update");
  }
}
void evp_final(void* state, unsigned char* out) {
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(state), out, &length) != 1) {
    openssl_failed("a digest");
  }
}
void evp_destroy(void* state) noexcept { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(state)); }

void* xxh128_init() {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(state);
  return state;
}
void xxh128_update(void* state, const std::byte* data, std::size_t size) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state), data, size);
}
void xxh128_final(void* state, unsigned char* out) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, XXH3_128bits_digest(static_cast<XXH3_state_t*>(state)));
  std::memcpy(out, canonical.digest, sizeof canonical.digest);
}
void xxh3_destroy(void* state) noexcept { XXH3_freeState(static_cast<XXH3_state_t*>(state)); }

void* xxh3_64_init() {
  XXH3_state_t* state = XXH3_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH3_64bits_reset(state);
  return state;
}
void xxh3_64_update(void* state, const std::byte* data, std::size_t size) {
  XXH3_64bits_update(static_cast<XXH3_state_t*>(state), data, size);
}
void xxh3_64_final(void* state, unsigned char* out) {
  XXH64_canonical_t canonical;  // XXH3-64 has XXH64's hash type and canonical form
  XXH64_canonicalFromHash(&canonical, XXH3_64bits_digest(static_cast<XXH3_state_t*>(state)));
  std::memcpy(out, canonical.digest, sizeof canonical.digest);
}

void* xxh64_init() {
  XXH64_state_t* state = XXH64_createState();
  if (state == nullptr) throw std::bad_alloc();
  XXH64_reset(state, 0);
  return state;
}
void xxh64_update(void* state, const std::byte* data, std::size_t size) {
  XXH64_update(static_cast<XXH64_state_t*>(state), data, size);
}
void xxh64_final(void* state, unsigned char* out) {
  XXH64_canonical_t canonical;
  XXH64_canonicalFromHash(&canonical, XXH64_digest(static_cast<XXH64_state_t*>(state)));
  std::memcpy(out, canonical.digest, sizeof canonical.digest);
}
void xxh64_destroy(void* state) noexcept { XXH64_freeState(static_cast<XXH64_state_t*>(state)); }

constexpr std::array<Adaptor, algorithm_count> k_adaptors{{
    {evp_init<EVP_md5>, evp_update, evp_final, evp_destroy},
    {evp_init<EVP_sha256>, evp_update, evp_final, evp_destroy},
    {xxh128_init, xxh128_update, xxh128_final, xxh3_destroy},
    {xxh64_init, xxh64_update, xxh64_final, xxh64_destroy},
    {xxh3_64_init, xxh3_64_update, xxh3_64_final, xxh3_destroy},
}};
static_assert(k_adaptors.size() == algorithm_count);

constexpr std::size_t k_max_digest_size = 32;
static_assert([] {
  for (const AlgorithmInfo& row : k_algorithms) {
    if (row.digest_size > k_max_digest_size) return false;
  }
  return true;
}());

const Adaptor& adaptor(Algorithm algorithm) noexcept {
  return k_adaptors[static_cast<std::size_t>(algorithm)];
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace

std::span<const AlgorithmInfo> algorithms() noexcept { return k_algorithms; }

const AlgorithmInfo& info(Algorithm algorithm) noexcept {
  return k_algorithms[static_cast<std::size_t>(algorithm)];
}

std::optional<Algorithm> algorithm_from_name(std::string_view name) {
  for (const AlgorithmInfo& row : k_algorithms) {
    if (iequals(name, row.name)) return row.id;
  }
  // Spellings people type for the same digests.
  if (iequals(name, "sha-256")) return Algorithm::sha256;
  // xxhsum's own spellings: XXH3 alone is the 64-bit XXH3 (-H3), XXH128 the 128-bit one (-H2).
  if (iequals(name, "xxh3-128") || iequals(name, "xxh3_128")) return Algorithm::xxh128;
  if (iequals(name, "xxh3-64") || iequals(name, "xxh3_64")) return Algorithm::xxh3;
  return std::nullopt;
}

std::optional<Algorithm> algorithm_from_tag(std::string_view tag) {
  for (const AlgorithmInfo& row : k_algorithms) {
    if (tag == row.bsd_tag) return row.id;
  }
  return std::nullopt;
}

std::string algorithm_names() {
  std::string names;
  for (const AlgorithmInfo& row : k_algorithms) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

std::vector<Algorithm> parse_algorithm_list(std::string_view list) {
  std::vector<Algorithm> result;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view item = list.substr(start, comma - start);
    if (!item.empty()) {
      const auto algorithm = algorithm_from_name(item);
      if (!algorithm) {
        throw Error(ErrorCode::usage, {}, fmt::format("unknown digest algorithm '{}'", item),
                    fmt::format("choose from {}", algorithm_names()));
      }
      bool seen = false;
      for (const Algorithm a : result) seen = seen || a == *algorithm;
      if (!seen) result.push_back(*algorithm);
    }
    start = comma + 1;
  }
  if (result.empty()) {
    throw Error(ErrorCode::usage, {}, "no digest algorithm given",
                fmt::format("choose from {}", algorithm_names()));
  }
  return result;
}

std::optional<std::string> normalize_hex(Algorithm algorithm, std::string_view hex) {
  if (hex.size() != info(algorithm).hex_length()) return std::nullopt;
  std::string result(hex);
  for (char& c : result) {
    c = lower(c);
    if (!is_hex_digit(c)) return std::nullopt;
  }
  return result;
}

Digest::Digest(Algorithm algorithm) : m_algorithm(algorithm), m_state(adaptor(algorithm).init()) {}

Digest::Digest(Digest&& other) noexcept
    : m_algorithm(other.m_algorithm), m_state(std::exchange(other.m_state, nullptr)) {}

Digest& Digest::operator=(Digest&& other) noexcept {
  if (this != &other) {
    if (m_state != nullptr) adaptor(m_algorithm).destroy(m_state);
    m_algorithm = other.m_algorithm;
    m_state = std::exchange(other.m_state, nullptr);
  }
  return *this;
}

Digest::~Digest() {
  if (m_state != nullptr) adaptor(m_algorithm).destroy(m_state);
}

void Digest::update(std::span<const std::byte> bytes) {
  if (m_state == nullptr) throw std::logic_error("Digest::update after finish()");
  if (bytes.empty()) return;
  adaptor(m_algorithm).update(m_state, bytes.data(), bytes.size());
}

std::string Digest::finish() {
  if (m_state == nullptr) throw std::logic_error("Digest::finish called twice");
  std::array<unsigned char, k_max_digest_size> out{};
  const std::size_t size = info(m_algorithm).digest_size;
  adaptor(m_algorithm).final(m_state, out.data());
  adaptor(m_algorithm).destroy(std::exchange(m_state, nullptr));
  return to_hex(std::as_bytes(std::span<const unsigned char>(out.data(), size)));
}

std::string digest_hex(Algorithm algorithm, std::span<const std::byte> bytes) {
  Digest digest(algorithm);
  digest.update(bytes);
  return digest.finish();
}

}  // namespace f32patch::verify
