// Digests around a patch: `apply --verify` hashes the file once before writing and reports the
// digests of the original and of the patched content (the new bytes substituted in the
// stream), with --expect-* gates that abort before any write; `restore --verify` re-hashes the
// restored file and proves it equals the original digests the journal recorded.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <f32patch/patch/engine.hpp>
#include <f32patch/verify/algorithm.hpp>

namespace CLI {
class App;
}

namespace f32patch::cli {

struct GlobalOptions;

using DigestMap = std::map<std::string, std::map<std::string, std::string>>;  // role -> algo -> hex

struct PatchVerifyOptions {
  bool verify = false;
  std::string algorithms = "md5,sha256";
  std::string expect_md5, expect_sha256;                // the original content
  std::string expect_result_md5, expect_result_sha256;  // the patched content

  bool wanted() const;
  void add_to(CLI::App& sub, bool with_expectations);
};

// The engine hook for apply: hashes, checks the expectations (Error{mismatch} aborts before
// any write), returns the digests for the journal.
std::function<DigestMap(const std::string&, const patch::Plan&)> make_apply_hook(const PatchVerifyOptions& options,
                                                                                const GlobalOptions& global);

// "original md5     <hex>" lines, and a note when a digest is a published release's.
std::string digests_text(const DigestMap& digests);
void note_published_digests(const GlobalOptions& global, const std::string& path, const DigestMap& digests);

// After a restore that kept its journal: hashes the file, compares with the journal's original
// digests (or, for a full copy, with the copy), then removes the journal. Throws
// Error{mismatch} and keeps the journal when they differ. Returns the lines to print.
std::string verify_restored(const patch::RestoreResult& result, const PatchVerifyOptions& options,
                            const GlobalOptions& global, bool remove_journal);


}  // namespace f32patch::cli
