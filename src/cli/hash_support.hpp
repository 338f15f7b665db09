// Pieces shared by `hash` and `verify`: hashing a path or standard input with progress, reading
// a check file or manifest (or standard input), writing results to stdout, naming files in
// diagnostics the way coreutils does, and the note for a published digest.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/verify/algorithm.hpp>
#include <f32patch/verify/hasher.hpp>

namespace f32patch {
class Error;
}

namespace f32patch::cli {

struct GlobalOptions;

// The labels used in diagnostics for the standard streams; never quoted.
inline constexpr std::string_view k_standard_input = "standard input";
inline constexpr std::string_view k_standard_output = "standard output";

// A file name as diagnostics show it: quoted when it has spaces, shell metacharacters or control
// characters ('a b.gguf', 'new'$'\n''line'), as coreutils does; the labels above as they are.
std::string diagnostic_name(std::string_view path);

// "f32patch: note: <path>: <message>" on stderr, unless the verbosity is lowered. `path` is
// passed through diagnostic_name().
void report_note(const GlobalOptions& global, std::string_view path, std::string_view message);

// An Error, reported with its path passed through diagnostic_name().
void report_file_error(const Error& error);

// Writes `text` to stdout and flushes it. Throws Error{io} for "standard output" when it cannot
// be written (a full disk, a closed pipe with SIGPIPE ignored), so that nothing is lost silently.
void write_stdout(std::string_view text);

// Runs `fn` for each path like for_each_file (an Error for one path is reported and the others
// still run; the most severe status is returned), but names the files the coreutils way in the
// errors, and stops at once when standard output cannot be written or on an interrupt.
template <typename Fn>
int for_each_input(const std::vector<std::string>& paths, Fn&& fn);

// Hashes `path` ("-" is standard input) with a progress meter when `show_progress`.
verify::HashResult hash_path(const std::string& path, std::span<const verify::Algorithm> algorithms,
                             bool show_progress,
                             std::span<const verify::Substitution> substitutions = {});

// The whole text of a small input file ("-" is standard input). Throws Error{io} naming it, and
// Error{invalid_gguf} when it is larger than `limit` bytes (it is then not a check file).
std::string read_text_input(const std::string& path, std::size_t limit = std::size_t{256} << 20);

// When one of `result`'s digests is a published one, a note naming the release.
void note_published(const GlobalOptions& global, std::string_view path,
                    const verify::HashResult& result);

}  // namespace f32patch::cli

#include <f32patch/util/error.hpp>

#include "diagnostics.hpp"

template <typename Fn>
int f32patch::cli::for_each_input(const std::vector<std::string>& paths, Fn&& fn) {
  int status = 0;
  for (const std::string& path : paths) {
    try {
      status = most_severe(status, fn(path));
    } catch (const Error& error) {
      if (error.code() == ErrorCode::interrupted || error.path() == k_standard_output) throw;
      report_file_error(error);
      status = most_severe(status, status_of(error));
    }
  }
  return status;
}
