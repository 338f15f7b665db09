#include "diagnostics.hpp"

#include <array>
#include <cerrno>
#include <cstdio>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/verify/check_file.hpp>

#include <f32patch/gguf/text.hpp>

namespace f32patch::cli {

namespace {

// The last line of defence: whatever a message quotes, nothing reaches the terminal that could
// move the cursor, recolour it or start a new line that looks like one of ours. Control bytes
// (below 0x20, and 0x7f), C1 controls and invalid UTF-8 are escaped. Backslashes are left as
// they are: messages that quote the file have escaped it already (gguf/text.hpp), and escaping
// again would double every backslash.
std::string safe(std::string_view text) {
  return gguf::display_text(text, {.max_chars = 0, .escape_double_quote = false, .escape_backslash = false});
}

}  // namespace

void report_error(std::string_view path, std::string_view message, std::string_view hint) {
  if (path.empty()) {
    fmt::print(stderr, "f32patch: error: {}\n", safe(message));
  } else {
    fmt::print(stderr, "f32patch: error: {}: {}\n", safe(path), safe(message));
  }
  if (!hint.empty()) fmt::print(stderr, "f32patch: hint: {}\n", safe(hint));
  std::fflush(stderr);
}

std::string diagnostic_name(std::string_view path) {
  if (path.empty() || path == k_standard_input || path == k_standard_output) return std::string(path);
  return verify::quote_name(path);
}

void report(const Error& error) { report_error(diagnostic_name(error.path()), error.message(), error.hint()); }

void report_warning(const GlobalOptions& global, std::string_view path, std::string_view message) {
  if (global.verbosity < 0) return;
  if (path.empty()) {
    fmt::print(stderr, "f32patch: warning: {}\n", safe(message));
  } else {
    fmt::print(stderr, "f32patch: warning: {}: {}\n", safe(path), safe(message));
  }
}

void write_stdout(std::string_view text) {
  errno = 0;
  // fwrite's buffer must not be null, even for no bytes (flush_stdout passes an empty view).
  const std::size_t written = text.empty() ? 0 : std::fwrite(text.data(), 1, text.size(), stdout);
  if (written != text.size() || std::fflush(stdout) != 0) {
    const int errnum = errno != 0 ? errno : EIO;
    std::clearerr(stdout);  // the message is given here; don't repeat it at exit
    throw_io_error(k_standard_output, "cannot write", errnum);
  }
}

void flush_stdout() { write_stdout({}); }

int status_of(const Error& error) { return exit_status(error.code()); }

int most_severe(int a, int b) {
  // Worst last: ok; the states `status` reports; mismatch; state conflict; invalid file; usage;
  // I/O; interrupted.
  constexpr std::array<int, 13> k_rank{0, 10, 11, 12, 13, 1, 5, 3, 2, 4, 129, 143, 130};
  auto rank = [&](int status) {
    for (std::size_t i = 0; i < k_rank.size(); ++i) {
      if (k_rank[i] == status) return static_cast<int>(i);
    }
    return static_cast<int>(k_rank.size());  // unknown statuses rank worst
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace f32patch::cli
