// f32patch verify: compares files with digests given on the command line, with check files
// (md5sum/sha256sum/xxhsum, untagged or BSD-tagged), with sidecar FILE.md5 / FILE.sha256 files,
// or tensor by tensor with a manifest. Prints "FILE: OK" / "FILE: FAILED" on stdout like
// md5sum -c; exit status 1 on a mismatch, distinct from 3 (bad check file or GGUF) and 4 (I/O).
#include <array>
#include <cctype>
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
#include <f32patch/gguf/text.hpp>
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
  bool verbose() const noexcept { return m_global.verbosity > 0 && !m_quiet; }
  bool progress() const { return !m_quiet && progress_wanted(m_global); }

  void ok(std::string_view name) const {
    if (!m_quiet) write_stdout(fmt::format("{}: OK\n", name));
  }
  void failed(std::string_view name, std::string_view why = {}) const {
    if (m_status) return;
    write_stdout(why.empty() ? fmt::format("{}: FAILED\n", name)
                             : fmt::format("{}: FAILED {}\n", name, why));
  }
  // `path` is a file name (quoted as coreutils quotes names) or a standard stream's label.
  void warning(std::string_view path, std::string_view message) const {
    if (!m_status) report_warning(m_global, diagnostic_name(path), message);
  }
  // A note that is part of the normal output (what a journal says): dropped with --quiet.
  void note(std::string_view path, std::string_view message) const {
    if (!m_quiet) report_note(m_global, path, message);
  }
  // A note that explains a failure: kept with --quiet, dropped with --status.
  void explain(std::string_view path, std::string_view message) const {
    if (!m_status) report_note(m_global, path, message);
  }
  void published(std::string_view path, const verify::HashResult& result) const {
    if (!m_quiet) note_published(m_global, path, result);
  }
  const GlobalOptions& global() const noexcept { return m_global; }

 private:
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

void add_unique(std::vector<Algorithm>& list, Algorithm algorithm) {
  for (const Algorithm a : list) {
    if (a == algorithm) return;
  }
  list.push_back(algorithm);
}

std::vector<Algorithm> algorithms_of(const std::vector<ExpectedDigest>& expected) {
  std::vector<Algorithm> result;
  for (const ExpectedDigest& e : expected) add_unique(result, e.algorithm);
  return result;
}

// "MD5", "SHA-256", "XXH3-128", "XXH64", "XXH3-64": the names people know the digests by.
std::string_view long_name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::md5: return "MD5";
    case Algorithm::sha256: return "SHA-256";
    case Algorithm::xxh128: return "XXH3-128";
    case Algorithm::xxh64: return "XXH64";
    case Algorithm::xxh3: return "XXH3-64";
  }
  return verify::info(algorithm).bsd_tag;
}

// A GGUF file with a backup journal beside it: notes saying what the journal says of it and of
// each target (original / patched / other), and, when a digest failed, whether the expected one
// is that of the original or of the patched content as `apply --verify` recorded them - and
// only when the targets' state explains the failure, that `restore` brings the original back.
void report_journal(const std::string& path, const std::vector<ExpectedDigest>& expected,
                    const verify::HashResult& result, const Output& out) {
  // --quiet drops the notes on the state but keeps the explanation of a failure.
  if (out.silent() || path == "-") return;
  if (out.quiet()) {
    bool failed = false;
    for (const ExpectedDigest& e : expected) failed = failed || result.original_hex(e.algorithm) != e.hex;
    if (!failed) return;
  }
  std::string backup_path;
  try {
    backup_path = patch::default_backup_path(path);
  } catch (const Error& error) {  // a backup beside a symlink: say so, the digests still count
    if (error.code() == ErrorCode::interrupted) throw;
    out.note(path, error.message());
    return;
  }
  if (path_missing(backup_path)) return;
  std::optional<gguf::Model> model;
  patch::Backup backup;
  try {
    model.emplace(gguf::Model::open(path));
    backup = patch::load_backup(backup_path);
  } catch (const Error& error) {
    if (error.code() == ErrorCode::interrupted) throw;
    if (model) {
      out.note(path, fmt::format("its backup {} is not readable: {}", verify::quote_name(backup_path, true),
                                 error.message()));
    }
    return;  // not a GGUF file: a journal cannot be about it
  }
  if (!backup.journal) return;
  const patch::Journal& journal = *backup.journal;
  const patch::StateReport report = patch::evaluate_state(*model, backup);

  // The targets a recipe changes decide; one whose patch leaves it as it was counts as neither.
  std::size_t changing = 0;
  std::size_t patched = 0;
  std::size_t other = 0;
  for (std::size_t i = 0; i < journal.targets.size() && i < report.targets.size(); ++i) {
    const patch::JournalTarget& target = journal.targets[i];
    if (report.targets[i] == patch::TargetState::other) ++other;
    if (target.original == target.patched) continue;
    ++changing;
    if (report.targets[i] == patch::TargetState::patched) ++patched;
  }
  const bool foreign = report.state == patch::FileState::foreign;
  const bool all_original = !foreign && other == 0 && patched == 0 && changing > 0;
  const bool all_patched = !foreign && other == 0 && changing > 0 && patched == changing;

  // "pristine, with a journal that was never applied (an interrupted apply?)" misleads after a
  // restore --verify that failed and kept its journal: say what is known instead.
  if (all_original) {
    out.note(path, fmt::format("every target holds its original bytes; the journal {} was left behind by a "
                               "'restore --verify' that failed, or by an interrupted apply",
                               backup.journal_path));
  } else {
    out.note(path, fmt::format("{} (journal {})", report.summary, backup.journal_path));
  }
  for (std::size_t i = 0; i < journal.targets.size() && i < report.targets.size(); ++i) {
    const patch::JournalTarget& target = journal.targets[i];
    out.note(path, fmt::format("  {} at {}: {}", gguf::display_text(target.tensor), target.offset,
                               patch::to_string(report.targets[i])));
  }
  if (foreign) return;  // the journal's digests are another file's

  const auto recorded = [&](const char* role, const std::string& name) -> const std::string* {
    const auto by_role = journal.digests.find(role);
    if (by_role == journal.digests.end()) return nullptr;
    const auto digest = by_role->second.find(name);
    return digest == by_role->second.end() ? nullptr : &digest->second;
  };
  const std::string shell_path = verify::quote_name(path);
  for (const ExpectedDigest& e : expected) {
    const std::string_view actual = result.original_hex(e.algorithm);
    if (actual == e.hex) continue;
    const std::string name(verify::info(e.algorithm).name);
    const std::string* original = recorded("original", name);
    const std::string* patched_digest = recorded("patched", name);
    if (original != nullptr && *original == e.hex) {
      const std::string what =
          fmt::format("the expected {} is the original content's, as the journal records it", name);
      if (all_original) {
        out.explain(path, fmt::format("{}, and every target already holds its original bytes: the "
                                      "difference lies outside the patched tensors, and 'f32patch "
                                      "restore' cannot fix it",
                                      what));
        out.explain(path, fmt::format("'f32patch verify --manifest MANIFEST {}' names the tensors that "
                                      "differ, given a manifest of the original; or download the file again",
                                      shell_path));
      } else if (all_patched && patched_digest != nullptr && *patched_digest == actual) {
        // The file is exactly the patched content apply saw: restoring the targets gives the original.
        out.explain(path, fmt::format("{}; 'f32patch restore {}' brings that back", what, shell_path));
      } else if (all_patched && patched_digest != nullptr) {
        out.explain(path, fmt::format("{}; every target holds its patched bytes, but the file is not the "
                                      "patched content the journal records either: something outside the "
                                      "patched tensors differs too, and 'f32patch restore' will not bring "
                                      "that digest back",
                                      what));
      } else if (other > 0) {
        out.explain(path, fmt::format("{}; {} hold other bytes, so whether 'f32patch restore --force --verify "
                                      "{}' brings it back cannot be told from here",
                                      what, plural(other, "target", "targets"), shell_path));
      } else {
        // Partially patched, or no digest of the patched content recorded for this algorithm.
        out.explain(path, fmt::format("{}; 'f32patch restore --verify {}' writes the targets' original bytes "
                                      "back and then checks the whole file against it",
                                      what, shell_path));
      }
    }
    if (patched_digest != nullptr && *patched_digest == e.hex) {
      if (all_patched) {
        out.explain(path, fmt::format("the expected {} is the patched content's, as the journal records it, "
                                      "and every target holds its patched bytes: the difference lies outside "
                                      "the patched tensors",
                                      name));
      } else {
        out.explain(path, fmt::format("the expected {} is the patched content's, as the journal records it", name));
      }
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

// md5sum -c for one check file. Results come in the check file's line order, as md5sum prints
// them, while each listed file is read once: the first line naming a file hashes it with every
// algorithm any of its lines needs (both readings of an ambiguous 32-digit line included), and
// later lines use that result.
int verify_check_file(const std::string& check_path, const VerifyOptions& options, const Output& out) {
  const std::string shown = check_path == "-" ? std::string(k_standard_input) : check_path;
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

  struct ListedFile {
    std::vector<Algorithm> algorithms;  // every digest its lines need
    std::size_t last = 0;               // index of its last line in content.entries
    bool read = false;                  // hashing was attempted
    bool skipped = false;               // missing, with --ignore-missing
    std::optional<verify::HashResult> result;
    int error_status = 0;               // when it could not be read
    std::vector<ExpectedDigest> expected;
  };
  std::map<std::string, ListedFile> files;
  for (std::size_t i = 0; i < content.entries.size(); ++i) {
    const verify::CheckEntry& entry = content.entries[i];
    ListedFile& file = files[entry.file];
    add_unique(file.algorithms, entry.algorithm);
    if (entry.alternative) add_unique(file.algorithms, *entry.alternative);
    file.last = i;
  }

  std::size_t mismatched = 0;
  std::size_t unreadable = 0;
  std::size_t verified = 0;
  int status = 0;
  for (std::size_t i = 0; i < content.entries.size(); ++i) {
    const verify::CheckEntry& entry = content.entries[i];
    ListedFile& file = files[entry.file];
    const std::string name = verify::display_name(entry.file);
    if (!file.read) {
      file.read = true;
      if (options.ignore_missing && path_missing(entry.file)) {
        file.skipped = true;
      } else {
        try {
          file.result = hash_path(entry.file, file.algorithms, out.progress());
          ++verified;
        } catch (const Error& error) {
          if (error.code() == ErrorCode::interrupted || error.path() == k_standard_output) throw;
          report(error);  // even with --status, as md5sum does
          file.error_status = status_of(error);
        }
      }
    }
    if (file.skipped) continue;
    if (!file.result) {
      out.failed(name, "open or read");
      ++unreadable;
      status = most_severe(status, file.error_status);
      continue;
    }

    std::optional<Algorithm> matched;
    for (const std::optional<Algorithm> candidate : {std::optional(entry.algorithm), entry.alternative}) {
      if (!matched && candidate && file.result->original_hex(*candidate) == entry.hex) matched = candidate;
    }
    if (matched) {
      out.ok(name);
      file.expected.push_back({*matched, entry.hex});
      if (entry.alternative && out.verbose()) {
        out.note(shown, fmt::format("line {}: {} matches as its {} (an untagged 32-digit line is MD5 or XXH3-128)",
                                    entry.line, verify::quote_name(entry.file, true), long_name(*matched)));
      }
    } else {
      ++mismatched;
      out.failed(name);
      file.expected.push_back({entry.algorithm, entry.hex});
      if (entry.alternative) {
        file.expected.push_back({*entry.alternative, entry.hex});
        out.explain(shown, fmt::format("line {}: neither the {} nor the {} of {} is {}; an untagged 32-digit "
                                       "line can be either, and both were tried",
                                       entry.line, long_name(entry.algorithm), long_name(*entry.alternative),
                                       verify::quote_name(entry.file, true), entry.hex));
      }
    }
    if (i == file.last) {
      out.published(entry.file, *file.result);
      report_journal(entry.file, file.expected, *file.result, out);
    }
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
    // md5sum 9.1 says this unless --status, and exits 1 either way.
    if (!out.silent()) report_error(diagnostic_name(shown), "no file was verified", "every file it lists is missing");
    status = most_severe(status, exit_status(ErrorCode::mismatch));
  }
  if (options.strict && malformed > 0) {
    status = most_severe(status, exit_status(ErrorCode::invalid_gguf));
  }
  return status;
}

// The number of hex digits a check line starts with (after blanks and an escape backslash),
// when a blank follows them: what an untagged line of the wrong length has.
std::size_t leading_hex_digits(std::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  if (!line.empty() && line.front() == '\\') line.remove_prefix(1);
  std::size_t n = 0;
  while (n < line.size() && std::isxdigit(static_cast<unsigned char>(line[n])) != 0) ++n;
  return n < line.size() && (line[n] == ' ' || line[n] == '\t') ? n : 0;
}

std::string_view line_of(std::string_view text, std::size_t number) {
  for (std::size_t i = 1; i < number; ++i) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return {};
    text.remove_prefix(end + 1);
  }
  return text.substr(0, text.find('\n'));
}

// FILE.md5, FILE.sha256, FILE.xxh128, FILE.xxh64, FILE.xxh3 next to the file, coreutils format.
// A sidecar's lines must name the file (as given, by base name, or "-" as md5sum writes for
// standard input); a line for another name is refused rather than used.
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
    const std::string text = read_text_input(sidecar);
    const auto content = verify::parse_check_file(text, parse);
    std::vector<const verify::CheckEntry*> chosen;
    const verify::CheckEntry* other = nullptr;
    for (const verify::CheckEntry& entry : content.entries) {
      if (entry.file == path || verify::base_name(entry.file) == base || entry.file == "-") {
        chosen.push_back(&entry);
      } else if (other == nullptr) {
        other = &entry;
      }
    }
    if (chosen.empty()) {
      const std::string hint =
          row.always_tagged
              ? fmt::format("expected a line like {} writes: '{} ({}) = <hex>'", row.print_tool, row.bsd_tag, base)
              : fmt::format("expected a line like {} writes: '<hex>  {}'", row.print_tool, base);
      if (other != nullptr) {
        throw Error(ErrorCode::invalid_gguf, sidecar,
                    fmt::format("line {} is for {}, not for {}", other->line,
                                verify::quote_name(other->file, true), verify::quote_name(base, true)),
                    fmt::format("a sidecar holds the digest of the file it is named after; to check the "
                                "file it names, run 'f32patch verify -c {}'",
                                verify::quote_name(sidecar)));
      }
      for (const std::size_t line : content.malformed_lines) {
        const std::size_t digits = leading_hex_digits(line_of(text, line));
        if (digits == 0) continue;
        throw Error(ErrorCode::invalid_gguf, sidecar,
                    fmt::format("line {}: expected a {}-digit {}, found {} digits", line, row.hex_length(),
                                long_name(row.id), digits),
                    hint);
      }
      throw Error(ErrorCode::invalid_gguf, sidecar,
                  content.malformed_lines.empty() ? std::string("has no checksum line")
                                                  : std::string("has no properly formatted checksum line"),
                  hint);
    }
    for (const verify::CheckEntry* entry : chosen) expected.push_back({entry->algorithm, entry->hex});
    if (out.verbose()) out.note(path, fmt::format("checking against {}", sidecar));
  }
  if (expected.empty()) {
    throw Error(ErrorCode::usage, path, "no digest to verify against",
                fmt::format("give --md5/--sha256/--xxh128/--xxh64/--xxh3 HEX or -c CHECKFILE, or put "
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
    out.note(path, fmt::format("the manifest is for {}; checking this file as that one",
                               verify::quote_name(report.matched_file, true)));
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
        if (out.global().verbosity > 0 && !out.silent()) {
          // "file:tensor" names a tensor, not a file: the file part alone is quoted.
          report_warning(out.global(),
                         fmt::format("{}:{}", diagnostic_name(path), verify::display_name(problem.tensor)),
                         fmt::format("{} is {}, the manifest has {}", verify::info(problem.algorithm).name,
                                     problem.actual, problem.expected));
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
  // -c takes an optional value, so that `verify -c` reads standard input and `verify -c SUMS`
  // and `verify -c SUMS MORE` read check files, as md5sum -c does.
  sub.add_option("-c,--check", options->check_files,
                 "Read digests from check files (md5sum, sha256sum, xxhsum or BSD --tag lines) and "
                 "check the files they list: CHECKFILE, then each FILE; standard input when none "
                 "is given or for '-'")
      ->expected(0, 1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("[CHECKFILE]");
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
                 "sha256, 16 xxh64, and 32 md5 or xxh128: the file is hashed with both (in one "
                 "read) unless the check file's name says which (*.md5, MD5SUMS, *.xxh128)")
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
                 "FILE.xxh128, FILE.xxh64 or FILE.xxh3 next to it (md5sum-style lines naming FILE).\n"
                 "Exit status differs from md5sum -c, which uses 1 for everything: 1 is a mismatch,\n"
                 "3 a check file without a usable line, 4 a file that cannot be read.\n"
                 "Examples:\n"
                 "  f32patch verify model.gguf --md5 28f13a6f87d01fdaebb72cdc8aa9faec\n"
                 "  f32patch verify model.gguf --sha256 HEX --md5 HEX     (one read for both)\n"
                 "  f32patch verify -c SHA256SUMS\n"
                 "  f32patch hash --algo md5,sha256 model.gguf | f32patch verify -c\n"
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
      // A bare -c gives an empty value: it stands for standard input when no check file is named.
      std::vector<std::string> check_files;
      for (const std::string& value : options->check_files) {
        if (!value.empty()) check_files.push_back(value);
      }
      check_files.insert(check_files.end(), options->files.begin(), options->files.end());
      if (check_files.empty()) check_files.push_back("-");
      return for_each_file(check_files, [&](const std::string& check_path) {
        return verify_check_file(check_path, *options, out);
      });
    }
    if (options->files.empty()) {
      usage("no file to verify", "give FILE with a digest option, -c CHECKFILE or --manifest MANIFEST");
    }
    if (!options->manifest.empty()) {
      if (!expected.empty()) usage("--manifest cannot be combined with digest options");
      // Loaded through for_each_input, so that its errors name the manifest as files are named.
      std::optional<verify::Manifest> loaded;
      const int load_status = for_each_file({options->manifest}, [&](const std::string& manifest_path) {
        loaded = verify::parse_manifest(read_text_input(manifest_path), manifest_path);
        if (loaded->entries.empty()) {
          throw Error(ErrorCode::invalid_gguf, manifest_path, "has no per-tensor lines f32patch can check",
                      "write one with 'f32patch hash --per-tensor FILE > MANIFEST'");
        }
        return 0;
      });
      if (load_status != 0) return load_status;
      const verify::Manifest& manifest = *loaded;
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
