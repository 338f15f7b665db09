#include "diagnostics.hpp"

#include <array>
#include <cstdio>

#include <fmt/format.h>

namespace f32patch::cli {

void report_error(std::string_view path, std::string_view message, std::string_view hint) {
  if (path.empty()) {
    fmt::print(stderr, "f32patch: error: {}\n", message);
  } else {
    fmt::print(stderr, "f32patch: error: {}: {}\n", path, message);
  }
  if (!hint.empty()) fmt::print(stderr, "f32patch: hint: {}\n", hint);
  std::fflush(stderr);
}

void report(const Error& error) { report_error(error.path(), error.message(), error.hint()); }

void report_warning(const GlobalOptions& global, std::string_view path, std::string_view message) {
  if (global.verbosity < 0) return;
  if (path.empty()) {
    fmt::print(stderr, "f32patch: warning: {}\n", message);
  } else {
    fmt::print(stderr, "f32patch: warning: {}: {}\n", path, message);
  }
}

int status_of(const Error& error) { return exit_status(error.code()); }

int most_severe(int a, int b) {
  // Worst last: ok; the states `status` reports; mismatch; state conflict; invalid file; usage;
  // I/O; interrupted.
  constexpr std::array<int, 12> k_rank{0, 10, 11, 12, 13, 1, 5, 3, 2, 4, 143, 130};
  auto rank = [&](int status) {
    for (std::size_t i = 0; i < k_rank.size(); ++i) {
      if (k_rank[i] == status) return static_cast<int>(i);
    }
    return static_cast<int>(k_rank.size());  // unknown statuses rank worst
  };
  return rank(a) >= rank(b) ? a : b;
}

}  // namespace f32patch::cli
