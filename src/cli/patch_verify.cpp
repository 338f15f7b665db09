#include "patch_verify.hpp"

#include <algorithm>
#include <cstring>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>
#include <f32patch/verify/hasher.hpp>
#include <f32patch/verify/published.hpp>

#include "diagnostics.hpp"
#include "hash_support.hpp"
#include "progress.hpp"
#include "text_format.hpp"

namespace f32patch::cli {

namespace {

using verify::Algorithm;

struct Expectation {
  std::string role;  // "original" or "patched"
  Algorithm algorithm;
  std::string hex;
};

std::vector<Expectation> expectations(const PatchVerifyOptions& options) {
  std::vector<Expectation> out;
  auto add = [&](const std::string& role, Algorithm algorithm, const std::string& text, std::string_view flag) {
    if (text.empty()) return;
    const auto hex = verify::normalize_hex(algorithm, text);
    if (!hex) {
      throw Error(ErrorCode::usage, {},
                  fmt::format("{} '{}' is not a {}-digit hex digest", flag, text, verify::info(algorithm).hex_length()));
    }
    out.push_back({role, algorithm, *hex});
  };
  add("original", Algorithm::md5, options.expect_md5, "--expect-md5");
  add("original", Algorithm::sha256, options.expect_sha256, "--expect-sha256");
  add("patched", Algorithm::md5, options.expect_result_md5, "--expect-result-md5");
  add("patched", Algorithm::sha256, options.expect_result_sha256, "--expect-result-sha256");
  return out;
}

// The requested algorithms plus those the expectations need, each once, in table order.
std::vector<Algorithm> algorithms_for(const PatchVerifyOptions& options, const std::vector<Expectation>& expected) {
  std::vector<Algorithm> list = verify::parse_algorithm_list(options.algorithms);
  for (const auto& e : expected) {
    if (std::find(list.begin(), list.end(), e.algorithm) == list.end()) list.push_back(e.algorithm);
  }
  std::sort(list.begin(), list.end());
  return list;
}

std::map<std::string, std::string> as_map(const std::vector<verify::NamedDigest>& digests) {
  std::map<std::string, std::string> out;
  for (const auto& d : digests) out[std::string(verify::info(d.algorithm).name)] = d.hex;
  return out;
}

bool equal_bytes(const std::vector<std::byte>& a, const std::vector<std::byte>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

bool PatchVerifyOptions::wanted() const {
  return verify || !expect_md5.empty() || !expect_sha256.empty() || !expect_result_md5.empty() ||
         !expect_result_sha256.empty();
}

void PatchVerifyOptions::add_to(CLI::App& sub, bool with_expectations) {
  sub.add_flag("--verify", verify,
               with_expectations ? "Hash the file once before writing: digests of the original and the patched content"
                                 : "Re-hash the restored file and prove it equals the original digests in the journal");
  sub.add_option("--algo", algorithms, "Digests for --verify: md5, sha256, xxh128, xxh64 (comma-separated)")
      ->capture_default_str()
      ->type_name("LIST");
  if (!with_expectations) return;
  sub.add_option("--expect-md5", expect_md5, "Abort before writing unless the original's MD5 is this")->type_name("HEX");
  sub.add_option("--expect-sha256", expect_sha256, "Abort before writing unless the original's SHA-256 is this")
      ->type_name("HEX");
  sub.add_option("--expect-result-md5", expect_result_md5, "Abort before writing unless the result's MD5 will be this")
      ->type_name("HEX");
  sub.add_option("--expect-result-sha256", expect_result_sha256,
                 "Abort before writing unless the result's SHA-256 will be this")
      ->type_name("HEX");
}

std::function<DigestMap(const std::string&, const patch::Plan&)> make_apply_hook(const PatchVerifyOptions& options,
                                                                                const GlobalOptions& global) {
  const std::vector<Expectation> expected = expectations(options);
  const std::vector<Algorithm> algorithms = algorithms_for(options, expected);
  const bool progress = progress_wanted(global);
  return [expected, algorithms, progress](const std::string& path, const patch::Plan& plan) {
    // One read gives the file as it is and as it will be; a second is needed only when the file
    // is not pristine now (a replace or a stack), to get the pristine digests.
    std::vector<verify::Substitution> to_result, to_original;
    for (const auto& t : plan.targets) {
      if (!equal_bytes(t.current, t.result)) to_result.push_back({t.offset, t.result});
      if (!equal_bytes(t.current, t.original)) to_original.push_back({t.offset, t.original});
    }
    const verify::HashResult now = hash_path(path, algorithms, progress, to_result);
    DigestMap digests;
    digests["patched"] = as_map(to_result.empty() ? now.original : now.substituted);
    if (to_original.empty()) {
      digests["original"] = as_map(now.original);
    } else {
      digests["original"] = as_map(hash_path(path, algorithms, progress, to_original).substituted);
    }
    for (const auto& e : expected) {
      const std::string name(verify::info(e.algorithm).name);
      const std::string& got = digests[e.role][name];
      if (got != e.hex) {
        throw Error(ErrorCode::mismatch, path,
                    fmt::format("the {} content's {} is {}, expected {}; nothing was written", e.role, name, got, e.hex),
                    e.role == "original" ? "is this the base file the digest was published for? compare with "
                                           "the digest the model's download page shows"
                                         : "the patch would not give the expected file: check the recipe and "
                                           "that the base file is the one the result was made from");
      }
    }
    return digests;
  };
}

std::string digests_text(const DigestMap& digests) {
  std::string out;
  for (const std::string role : {"original", "patched"}) {
    const auto it = digests.find(role);
    if (it == digests.end()) continue;
    for (const auto& [algo, hex] : it->second) append(out, "{:<9}{:<7}  {}\n", role, algo, hex);
  }
  return out;
}

void note_published_digests(const GlobalOptions& global, const std::string& path, const DigestMap& digests) {
  for (const auto& [role, by_algo] : digests) {
    for (const auto& [name, hex] : by_algo) {
      const auto algorithm = verify::algorithm_from_name(name);
      if (!algorithm) continue;
      if (const auto* published = verify::find_published(*algorithm, hex)) {
        report_note(global, path, fmt::format("the {} content is {} ({} {})", role, published->release, name, hex));
      }
    }
  }
}

std::string verify_restored(const patch::RestoreResult& result, const PatchVerifyOptions& options,
                            const GlobalOptions& global, bool remove_journal) {
  std::string out;
  const bool progress = progress_wanted(global);
  const std::string& journal_path = result.journal_path;
  const bool may_remove = remove_journal && !result.journal_kept_for_other;
  const auto recorded = result.digests.find("original");
  if (recorded != result.digests.end() && !recorded->second.empty()) {
    // The digests apply --verify recorded of the original: the proof that holds even when the
    // backup itself (a full copy) was damaged since.
    std::vector<Algorithm> algorithms;
    for (const auto& [name, hex] : recorded->second) {
      if (const auto algorithm = verify::algorithm_from_name(name)) algorithms.push_back(*algorithm);
    }
    const auto now = hash_path(result.path, algorithms, progress);
    for (const auto& digest : now.original) {
      const std::string name(verify::info(digest.algorithm).name);
      const std::string& want = recorded->second.at(name);
      if (digest.hex != want) {
        throw Error(ErrorCode::mismatch, result.path,
                    fmt::format("after the restore its {} is {}, but the journal recorded {} for the original; the "
                                "journal {} is kept",
                                name, digest.hex, want, journal_path),
                    result.kind == patch::BackupKind::full_copy
                        ? "the full copy differs from the original apply saw: it or the model changed since"
                        : "something besides the patched tensors differs from the file apply saw");
      }
      append(out, "verified {:<7}  {}  (equals the original)\n", name, digest.hex);
    }
  } else if (result.kind == patch::BackupKind::full_copy) {
    const std::vector<Algorithm> algorithms = verify::parse_algorithm_list(options.algorithms);
    const auto mine = hash_path(result.path, algorithms, progress);
    const auto copy = hash_path(result.backup_path, algorithms, progress);
    for (std::size_t i = 0; i < mine.original.size(); ++i) {
      const auto name = verify::info(mine.original[i].algorithm).name;
      if (mine.original[i].hex != copy.original[i].hex) {
        throw Error(ErrorCode::mismatch, result.path,
                    fmt::format("after the restore its {} is {}, the full copy's is {}", name, mine.original[i].hex,
                                copy.original[i].hex));
      }
      append(out, "verified {:<7}  {}  (equals the full copy)\n", name, mine.original[i].hex);
    }
  } else {
    // run_restore refuses this before anything is written; reaching it is a caller bug.
    throw Error(ErrorCode::usage, result.path, "restore --verify: the journal records no digests to compare with");
  }
  if (may_remove && path_exists(journal_path)) remove_file_durably(journal_path);
  return out;
}

}  // namespace f32patch::cli
