// f32patch hash FILE...: whole-file digests as check lines md5sum -c, sha256sum -c and
// xxhsum -c accept, or with --per-tensor a per-tensor manifest (docs/manifest-format.md).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/util/hex.hpp>
#include <f32patch/verify/check_file.hpp>
#include <f32patch/verify/hasher.hpp>
#include <f32patch/verify/manifest.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "hash_support.hpp"
#include "progress.hpp"

namespace f32patch::cli {

namespace {

struct HashCommandOptions {
  std::vector<std::string> files;
  std::string algo;
  bool tag = false;
  bool per_tensor = false;
  std::vector<std::string> substitutions;  // OFFSET=HEX, hidden: what-if digests
};

// "OFFSET=HEXBYTES" (offset decimal or 0x-prefixed hex) -> a substitution.
verify::Substitution parse_substitution(const std::string& text) {
  const auto bad = [&](std::string_view why) {
    return Error(ErrorCode::usage, {}, fmt::format("--substitute '{}': {}", text, why),
                 "expected OFFSET=HEXBYTES, for example 0x1f40=0000c03f");
  };
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0) throw bad("no '='");
  const std::string offset_text = text.substr(0, eq);
  char* end = nullptr;
  errno = 0;
  const unsigned long long offset = std::strtoull(offset_text.c_str(), &end, 0);
  if (errno != 0 || end == offset_text.c_str() || *end != '\0' || offset_text.front() == '-') {
    throw bad("the offset is not a number");
  }
  auto bytes = from_hex(text.substr(eq + 1));
  if (!bytes || bytes->empty()) throw bad("the bytes must be an even number of hex digits");
  verify::Substitution sub;
  sub.offset = offset;
  sub.bytes = std::move(*bytes);
  return sub;
}

}  // namespace

CommandRunner add_hash(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<HashCommandOptions>();
  sub.add_option("files", options->files,
                 "Files to hash ('-' for standard input; standard input when none is given)")
      ->type_name("FILE");
  sub.add_option("-a,--algo", options->algo,
                 fmt::format("Digests to compute, comma-separated: {} (default md5; xxh128 with "
                             "--per-tensor). All are computed in one read of the file",
                             verify::algorithm_names()))
      ->type_name("LIST");
  sub.add_flag("--tag", options->tag,
               "BSD-style lines 'MD5 (file) = hex' (always used with several algorithms, since "
               "an untagged 32-digit line could be MD5 or XXH128, and for xxh3, as xxhsum -H3 "
               "prints it)");
  sub.add_flag("--per-tensor", options->per_tensor,
               "Print a per-tensor manifest of a GGUF file instead (docs/manifest-format.md); "
               "check it with 'f32patch verify --manifest'");
  sub.add_option("--substitute", options->substitutions,
                 "Print the digests the file would have with these bytes replaced")
      ->type_name("OFFSET=HEX")
      ->group("");  // hidden: for tests and for checking a planned patch by hand
  sub.footer(std::string(
      "Output is only check lines, so it can be checked by md5sum -c, sha256sum -c or "
      "xxhsum -c (single algorithm), or by 'f32patch verify -c'. xxh3 is XXH3-64 (xxhsum -H3), "
      "xxh128 is XXH3-128 (xxhsum -H2).\n"
      "Examples:\n"
      "  f32patch hash model.gguf > model.gguf.md5\n"
      "  f32patch hash --algo md5,sha256,xxh128 model.gguf | f32patch verify -c -\n"
      "  f32patch hash --per-tensor model.gguf > model.manifest\n\n") + sub.get_footer());

  return [options, &global] {
    std::vector<verify::Algorithm> algorithms =
        options->algo.empty()
            ? std::vector<verify::Algorithm>{options->per_tensor ? verify::Algorithm::xxh128
                                                                 : verify::Algorithm::md5}
            : verify::parse_algorithm_list(options->algo);
    std::vector<verify::Substitution> substitutions;
    for (const std::string& text : options->substitutions) {
      substitutions.push_back(parse_substitution(text));
    }
    if (options->per_tensor && !substitutions.empty()) {
      throw Error(ErrorCode::usage, {}, "--substitute cannot be combined with --per-tensor");
    }
    const bool tagged = options->tag || algorithms.size() > 1;
    const bool show_progress = progress_wanted(global);
    // Like md5sum: no FILE means standard input, named "-" in the lines.
    const std::vector<std::string> files =
        options->files.empty() ? std::vector<std::string>{"-"} : options->files;

    return for_each_file(files, [&](const std::string& path) {
      if (options->per_tensor) {
        if (path == "-") {
          throw Error(ErrorCode::usage, "-", "--per-tensor needs a GGUF file, not standard input");
        }
        const auto model = gguf::Model::open(path);
        ProgressMeter meter(verify::base_name(path), show_progress);
        const auto tensors = verify::hash_tensors(model, algorithms, meter.callback());
        meter.finish();
        write_stdout(verify::format_manifest(tensors, verify::base_name(path)));
        return 0;
      }
      const verify::HashResult result = hash_path(path, algorithms, show_progress, substitutions);
      const auto& digests = substitutions.empty() ? result.original : result.substituted;
      std::string lines;
      for (const verify::NamedDigest& digest : digests) {
        lines += verify::format_check_line(digest.algorithm, digest.hex, path, tagged);
      }
      write_stdout(lines);
      if (substitutions.empty()) note_published(global, path, result);
      return 0;
    });
  };
}

}  // namespace f32patch::cli
