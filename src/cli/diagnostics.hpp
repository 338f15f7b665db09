// One format for everything f32patch says on stderr:
//   f32patch: error: <path>: <what> (<detail>)
//   f32patch: hint: <what to do>
//   f32patch: warning: <path>: <what>
// Results go to stdout; these never do. Each part is printed with its control characters,
// C1 controls and invalid UTF-8 escaped (\n, \x1b, \xff), so one diagnostic is always one
// line and a name from a file cannot forge another.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace f32patch {
class Error;
}

namespace f32patch::cli {

struct GlobalOptions {
  int verbosity = 0;  // -q lowers, -v raises; below 0 only errors are printed
};

// The labels used in diagnostics for the standard streams; never quoted.
inline constexpr std::string_view k_standard_input = "standard input";
inline constexpr std::string_view k_standard_output = "standard output";

// A file name as diagnostics show it: quoted when it has spaces, shell metacharacters or control
// characters ('a b.gguf', 'new'$'\n''line'), as coreutils does; the labels above as they are.
std::string diagnostic_name(std::string_view path);

// An Error, with its path passed through diagnostic_name().
void report(const Error& error);
void report_error(std::string_view path, std::string_view message, std::string_view hint = {});
void report_warning(const GlobalOptions& global, std::string_view path, std::string_view message);

// Writes `text` to stdout and flushes it; flush_stdout() flushes what fmt::print buffered.
// Both throw Error{io} for "standard output" when it cannot be written (a full disk, a closed
// pipe with SIGPIPE ignored), naming the reason, so that nothing is lost silently.
void write_stdout(std::string_view text);
void flush_stdout();

// Ranks exit statuses so a multi-file command returns the most severe one.
int most_severe(int a, int b);

// Runs `fn` for each path; an Error for one path is reported and does not stop the others.
// Returns the most severe status. An interrupt stops the loop; so does standard output that
// cannot be written (rethrown: the next file's results would be lost too).
template <typename Fn>
int for_each_file(const std::vector<std::string>& paths, Fn&& fn);

int status_of(const Error& error);

}  // namespace f32patch::cli

#include <f32patch/util/error.hpp>

template <typename Fn>
int f32patch::cli::for_each_file(const std::vector<std::string>& paths, Fn&& fn) {
  int status = 0;
  for (const std::string& path : paths) {
    try {
      status = most_severe(status, fn(path));
    } catch (const Error& error) {
      if (error.path() == k_standard_output) throw;
      report(error);
      status = most_severe(status, status_of(error));
      if (error.code() == ErrorCode::interrupted) break;
    }
  }
  return status;
}
