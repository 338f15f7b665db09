// f32patch verify: compares files with digests given on the command line, with check files
// (md5sum/sha256sum/xxhsum, untagged or BSD-tagged), with sidecar FILE.md5 / FILE.sha256 files,
// or tensor by tensor with a manifest. Prints "FILE: OK" / "FILE: FAILED" on stdout like
// md5sum -c; exit status 1 on a mismatch, distinct from 3 (bad check file or GGUF) and 4 (I/O).
#include <array>
#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/patch/state.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/verify/algorithm.hpp>
#include <f32patch/verify/check_file.hpp>
#include <f32patch/verify/hasher.hpp>
#include <f32patch/verify/manifest.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "hash_support.hpp"
#include "progress.hpp"

namespace f32patch::cli {

namespace {

using verify::Algorithm;

struct VerifyOptions {
  std::vector<std::string> files;
  std::vector<std::string> check_files;
  std::array<std::string, verify::algorithm_count> expected;  // --md5 HEX ... by table row
  std::string manifest;
  std::string algo;  // with -c: how untagged lines are read
  bool quiet = false;
  bool status = false;
  bool strict = false;
  bool warn = false;
  bool ignore_missing = false;
};

struct ExpectedDigest {
  Algorithm algorithm;
  std::string hex;
};

// What goes to stdout and which warnings are shown, per --quiet / --status / -q.
class Output {
 public:
  Output(const GlobalOptions& global, const VerifyOptions& options)
      : m_global(global),
        m_quiet(options.quiet || options.status || global.verbosity < 0),
        m_status(options.status) {}

  bool quiet() const noexcept { return m_quiet; }
  bool silent() const noexcept { return m_status; }
  bool progress() const { return !m_quiet && progress_wanted(m_global); }

  void ok(std::string_view name) const {
    if (!m_quiet) line(fmt::format("{}: OK", name));
  }
  void failed(std::string_view name, std::string_view why = {}) const {
    if (m_status) return;
    line(why.empty() ? fmt::format("{}: FAILED", name) : fmt::format("{}: FAILED {}", name, why));
  }
  void warning(std::string_view path, std::string_view message) const {
    if (!m_status) report_warning(m_global, path, message);
  }
  void note(std::string_view path, std::string_view message) const {
    if (!m_quiet) report_note(m_global, path, message);
  }
  void published(std::string_view path, const verify::HashResult& result) const {
    if (!m_quiet) note_published(m_global, path, result);
  }
  const GlobalOptions& global() const noexcept { return m_global; }

 private:
  static void line(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
  }

  const GlobalOptions& m_global;
  bool m_quiet;
  bool m_status;
};

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

bool path_missing(const std::string& path) {
  struct stat st {};
  return path != "-" && ::stat(path.c_str(), &st) != 0 && errno == ENOENT;
}

std::vector<Algorithm> algorithms_of(const std::vector<ExpectedDigest>& expected) {
  std::vector<Algorithm> result;
  for (const ExpectedDigest& e : expected) {
    bool seen = false;
    for (const Algorithm a : result) seen = seen || a == e.algorithm;
    if (!seen) result.push_back(e.algorithm);
  }
  return result;
}

// A GGUF file with a backup journal beside it: notes saying what the journal says of it and of
// each target (original / patched / other), and, when a digest failed, whether the expected one
// is that of the original or of the patched content as `apply --verify` recorded them.
void report_journal(const std::string& path, const std::vector<ExpectedDigest>& expected,
                    const verify::HashResult& result, const Output& out) {
  if (out.quiet() || path == "-") return;
  const std::string backup_path = patch::default_backup_path(path);
  if (path_missing(backup_path)) return;
  std::optional<gguf::Model> model;
  patch::Backup backup;
  try {
    model.emplace(gguf::Model::open(path));
    backup = patch::load_backup(backup_path);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::interrupted) throw;
    if (model) out.note(path, fmt::format("its backup {} is not readable: {}", backup_path, error.message()));
    return;  // not a GGUF file: a journal cannot be about it
  }
  if (!backup.journal) return;
  const patch::StateReport report = patch::evaluate_state(*model, backup);
  out.note(path, fmt::format("{} (journal {})", report.summary, backup.journal_path));
  for (std::size_t i = 0; i < backup.journal->targets.size() && i < report.targets.size(); ++i) {
    const patch::JournalTarget& target = backup.journal->targets[i];
    out.note(path, fmt::format("  {} at {}: {}", target.tensor, target.offset, patch::to_string(report.targets[i])));
  }
  for (const ExpectedDigest& e : expected) {
    if (result.original_hex(e.algorithm) == e.hex) continue;
    const std::string name(verify::info(e.algorithm).name);
    for (const std::string role : {"original", "patched"}) {
      const auto by_role = backup.journal->digests.find(role);
      if (by_role == backup.journal->digests.end()) continue;
      const auto digest = by_role->second.find(name);
      if (digest == by_role->second.end() || digest->second != e.hex) continue;
      out.note(path, role == "original"
                         ? fmt::format("the expected {} is the original content's, as the journal records it; "
                                       "'f32patch restore {}' brings that back", name, path)
                         : fmt::format("the expected {} is the patched content's, as the journal records it", name));
    }
  }
}

// One read of `path`, compared with every expected digest: one OK/FAILED line.
int verify_digests(const std::string& path, const std::vector<ExpectedDigest>& expected,
                   const Output& out) {
  const std::vector<Algorithm> algorithms = algorithms_of(expected);
  const verify::HashResult result = hash_path(path, algorithms, out.progress());
  bool ok = true;
  for (const ExpectedDigest& e : expected) {
    const std::string_view actual = result.original_hex(e.algorithm);
    if (actual != e.hex) {
      ok = false;
      out.warning(path, fmt::format("{} is {}, expected {}", verify::info(e.algorithm).bsd_tag,
                                    actual, e.hex));
    }
  }
  const std::string name = verify::display_name(path);
  if (ok) {
    out.ok(name);
  } else {
    out.failed(name);
  }
  out.published(path, result);
  report_journal(path, expected, result, out);
  return ok ? 0 : exit_status(ErrorCode::mismatch);
}

// md5sum -c for one check file.
int verify_check_file(const std::string& check_path, const VerifyOptions& options, const Output& out) {
  const std::string shown = check_path == "-" ? std::string("standard input") : check_path;
  verify::CheckParseOptions parse = verify::check_options_for(check_path);
  if (!options.algo.empty()) parse.untagged = verify::algorithm_from_name(options.algo);
  const verify::CheckFileContent content =
      verify::parse_check_file(read_text_input(check_path), parse);

  if (options.warn) {
    for (const std::size_t line : content.malformed_lines) {
      out.warning(shown, fmt::format("line {}: improperly formatted checksum line", line));
    }
  }
  if (content.entries.empty()) {
    throw Error(ErrorCode::invalid_gguf, shown, "no properly formatted checksum lines found",
                "expected '<hex>  <file>' or 'MD5 (<file>) = <hex>' lines (md5sum, sha256sum, "
                "xxhsum or f32patch hash output)");
  }

  // Lines naming the same file are checked with one read of it.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const verify::CheckEntry*>> by_file;
  for (const verify::CheckEntry& entry : content.entries) {
    auto& group = by_file[entry.file];
    if (group.empty()) order.push_back(entry.file);
    group.push_back(&entry);
  }

  std::size_t mismatched = 0;
  std::size_t unreadable = 0;
  std::size_t verified = 0;
  int status = 0;
  for (const std::string& file : order) {
    const auto& group = by_file[file];
    const std::string name = verify::display_name(file);
    if (options.ignore_missing && path_missing(file)) continue;
    std::vector<Algorithm> algorithms;
    for (const verify::CheckEntry* entry : group) {
      bool seen = false;
      for (const Algorithm a : algorithms) seen = seen || a == entry->algorithm;
      if (!seen) algorithms.push_back(entry->algorithm);
    }
    verify::HashResult result;
    try {
      result = hash_path(file, algorithms, out.progress());
    } catch (const Error& error) {
      if (error.code() == ErrorCode::interrupted) throw;
      report(error);  // even with --status, as md5sum does
      out.failed(name, "open or read");
      ++unreadable;
      status = most_severe(status, status_of(error));
      continue;
    }
    ++verified;
    std::vector<ExpectedDigest> expected;
    for (const verify::CheckEntry* entry : group) {
      expected.push_back({entry->algorithm, entry->hex});
      if (result.original_hex(entry->algorithm) == entry->hex) {
        out.ok(name);
      } else {
        ++mismatched;
        out.failed(name);
      }
    }
    out.published(file, result);
    report_journal(file, expected, result, out);
  }

  const std::size_t malformed = content.malformed_lines.size();
  if (malformed > 0) {
    out.warning(shown, plural(malformed, "line is improperly formatted", "lines are improperly formatted"));
  }
  if (unreadable > 0) {
    out.warning(shown, plural(unreadable, "listed file could not be read", "listed files could not be read"));
  }
  if (mismatched > 0) {
    out.warning(shown, plural(mismatched, "computed checksum did NOT match", "computed checksums did NOT match"));
    status = most_severe(status, exit_status(ErrorCode::mismatch));
  }
  if (options.ignore_missing && verified == 0 && unreadable == 0) {
    report_error(shown, "no file was verified", "every file it lists is missing");
    status = most_severe(status, exit_status(ErrorCode::mismatch));
  }
  if (options.strict && malformed > 0) {
    status = most_severe(status, exit_status(ErrorCode::invalid_gguf));
  }
  return status;
}

// FILE.md5, FILE.sha256, FILE.xxh128, FILE.xxh64 next to the file, coreutils format.
std::vector<ExpectedDigest> sidecar_digests(const std::string& path, const Output& out) {
  if (path_missing(path)) throw_io_error(path, "cannot open for reading", ENOENT);
  std::vector<ExpectedDigest> expected;
  const std::string base = verify::base_name(path);
  for (const verify::AlgorithmInfo& row : verify::algorithms()) {
    const std::string sidecar = fmt::format("{}.{}", path, row.name);
    struct stat st {};
    if (::stat(sidecar.c_str(), &st) != 0) continue;
    verify::CheckParseOptions parse;
    parse.untagged = row.id;  // the extension says what untagged lines are
    const auto content = verify::parse_check_file(read_text_input(sidecar), parse);
    std::vector<const verify::CheckEntry*> chosen;
    for (const verify::CheckEntry& entry : content.entries) {
      if (entry.file == path || verify::base_name(entry.file) == base) chosen.push_back(&entry);
    }
    if (chosen.empty() && content.entries.size() == 1) chosen.push_back(&content.entries.front());
    if (chosen.empty()) {
      throw Error(ErrorCode::invalid_gguf, sidecar,
                  fmt::format("has no checksum line for '{}'", base),
                  "expected a line like md5sum writes: '<hex>  " + base + "'");
    }
    for (const verify::CheckEntry* entry : chosen) expected.push_back({entry->algorithm, entry->hex});
    if (out.global().verbosity > 0) out.note(path, fmt::format("checking against {}", sidecar));
  }
  if (expected.empty()) {
    throw Error(ErrorCode::usage, path, "no digest to verify against",
                fmt::format("give --md5/--sha256/--xxh128/--xxh64 HEX or -c CHECKFILE, or put "
                            "{0}.md5 or {0}.sha256 next to it",
                            base));
  }
  return expected;
}

int verify_manifest(const std::string& path, const verify::Manifest& manifest, const Output& out) {
  const auto model = gguf::Model::open(path);
  ProgressMeter meter(verify::base_name(path), out.progress());
  const verify::ManifestReport report = verify::compare_manifest(manifest, model, path, meter.callback());
  meter.finish();
  if (report.renamed) {
    out.note(path, fmt::format("the manifest is for '{}'; checking this file as that one",
                               report.matched_file));
  }
  const std::string name = verify::display_name(path);
  std::size_t differ = 0;
  std::size_t missing = 0;
  std::size_t extra = 0;
  for (const verify::TensorProblem& problem : report.problems) {
    const std::string tensor = fmt::format("{}:{}", name, verify::display_name(problem.tensor));
    switch (problem.status) {
      case verify::TensorStatus::differs:
        ++differ;
        out.failed(tensor);
        if (out.global().verbosity > 0) {
          out.warning(tensor, fmt::format("{} is {}, the manifest has {}",
                                          verify::info(problem.algorithm).name, problem.actual,
                                          problem.expected));
        }
        break;
      case verify::TensorStatus::missing:
        ++missing;
        out.failed(tensor, "not in file");
        break;
      case verify::TensorStatus::extra:
        ++extra;
        out.failed(tensor, "not in manifest");
        break;
    }
  }
  if (report.ok()) {
    out.ok(name);
    return 0;
  }
  out.failed(name);
  out.warning(path, fmt::format("{} of {} differ, {} missing from the file, {} not in the manifest",
                                plural(differ, "tensor", "tensors"), report.tensors_checked, missing,
                                extra));
  return exit_status(ErrorCode::mismatch);
}

[[noreturn]] void usage(std::string message, std::string hint = {}) {
  throw Error(ErrorCode::usage, {}, std::move(message), std::move(hint));
}

}  // namespace

CommandRunner add_verify(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<VerifyOptions>();
  sub.add_option("files", options->files,
                 "Files to verify ('-' for standard input); with -c, more check files")
      ->type_name("FILE");
  sub.add_option("-c,--check", options->check_files,
                 "Read digests from a check file (md5sum, sha256sum, xxhsum or BSD --tag lines; "
                 "'-' for standard input) and check the files it lists")
      ->type_name("CHECKFILE");
  for (const verify::AlgorithmInfo& row : verify::algorithms()) {
    sub.add_option(fmt::format("--{}", row.name),
                   options->expected[static_cast<std::size_t>(row.id)],
                   fmt::format("Expected {} of FILE (same as {})", row.bsd_tag, row.print_tool))
        ->type_name("HEX");
  }
  sub.add_option("--manifest", options->manifest,
                 "Check each tensor of the GGUF FILEs against a manifest from "
                 "'f32patch hash --per-tensor', naming the tensors that differ")
      ->type_name("MANIFEST");
  sub.add_option("-a,--algo", options->algo,
                 "With -c: read untagged lines as this algorithm. Without it, 64 hex digits are "
                 "sha256, 16 xxh64, and 32 md5 (xxh128 when the check file ends in .xxh128)")
      ->type_name("ALGO");
  sub.add_flag("-q,--quiet", options->quiet, "Don't print OK for each verified file");
  sub.add_flag("--status", options->status, "Print nothing; the exit status tells");
  sub.add_flag("--strict", options->strict,
               "Exit non-zero (3) for improperly formatted check lines");
  sub.add_flag("-w,--warn", options->warn, "Warn about each improperly formatted check line");
  sub.add_flag("--ignore-missing", options->ignore_missing,
               "Don't fail or report status for listed files that are missing");
  sub.footer(std::string(
                 "With no digest option and no -c, FILE is checked against FILE.md5, FILE.sha256,\n"
                 "FILE.xxh128 or FILE.xxh64 next to it (md5sum-style lines).\n"
                 "Examples:\n"
                 "  f32patch verify model.gguf --md5 28f13a6f87d01fdaebb72cdc8aa9faec\n"
                 "  f32patch verify model.gguf --sha256 HEX --md5 HEX     (one read for both)\n"
                 "  f32patch verify -c SHA256SUMS\n"
                 "  f32patch hash --algo md5,sha256 model.gguf | f32patch verify -c -\n"
                 "  f32patch verify --manifest model.manifest model.gguf\n\n") +
             sub.get_footer());

  return [options, &global]() -> int {
    const Output out(global, *options);
    std::vector<ExpectedDigest> expected;
    for (const verify::AlgorithmInfo& row : verify::algorithms()) {
      const std::string& text = options->expected[static_cast<std::size_t>(row.id)];
      if (text.empty()) continue;
      const auto hex = verify::normalize_hex(row.id, text);
      if (!hex) {
        usage(fmt::format("--{} '{}' is not a {}-digit hex digest", row.name, text, row.hex_length()));
      }
      expected.push_back({row.id, *hex});
    }
    if (!options->algo.empty()) {
      if (options->check_files.empty()) usage("--algo only applies with -c CHECKFILE");
      if (!verify::algorithm_from_name(options->algo)) {
        usage(fmt::format("unknown digest algorithm '{}'", options->algo),
              fmt::format("choose from {}", verify::algorithm_names()));
      }
    }

    if (!options->check_files.empty()) {
      if (!expected.empty() || !options->manifest.empty()) {
        usage("-c cannot be combined with digest options or --manifest");
      }
      std::vector<std::string> check_files = options->check_files;
      check_files.insert(check_files.end(), options->files.begin(), options->files.end());
      return for_each_file(check_files, [&](const std::string& check_path) {
        return verify_check_file(check_path, *options, out);
      });
    }
    if (options->files.empty()) {
      usage("no file to verify", "give FILE with a digest option, -c CHECKFILE or --manifest MANIFEST");
    }
    if (!options->manifest.empty()) {
      if (!expected.empty()) usage("--manifest cannot be combined with digest options");
      const verify::Manifest manifest =
          verify::parse_manifest(read_text_input(options->manifest), options->manifest);
      if (manifest.entries.empty()) {
        throw Error(ErrorCode::invalid_gguf, options->manifest,
                    "has no per-tensor lines f32patch can check",
                    "write one with 'f32patch hash --per-tensor FILE > MANIFEST'");
      }
      if (manifest.skipped_lines > 0) {
        out.note(options->manifest,
                 fmt::format("skipped {} (algorithms f32patch does not compute, or whole-model lines)",
                             plural(manifest.skipped_lines, "line", "lines")));
      }
      return for_each_file(options->files, [&](const std::string& path) {
        return verify_manifest(path, manifest, out);
      });
    }
    if (!expected.empty()) {
      if (options->files.size() != 1) {
        usage("digest options check exactly one FILE", "use -c CHECKFILE for several files");
      }
      return for_each_file(options->files, [&](const std::string& path) {
        return verify_digests(path, expected, out);
      });
    }
    return for_each_file(options->files, [&](const std::string& path) {
      return verify_digests(path, sidecar_digests(path, out), out);
    });
  };
}

}  // namespace f32patch::cli
