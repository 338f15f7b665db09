#include "hash_support.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/verify/check_file.hpp>
#include <f32patch/verify/manifest.hpp>
#include <f32patch/verify/published.hpp>

#include "diagnostics.hpp"
#include "progress.hpp"

namespace f32patch::cli {

void report_note(const GlobalOptions& global, std::string_view path, std::string_view message) {
  if (global.verbosity < 0) return;
  // As report_error does: control characters in a message (a tensor name) are escaped, so a
  // note is one line; backslashes are left alone, the quoted name has its own escapes.
  const std::string text = gguf::display_text(message, {.max_chars = 0, .escape_double_quote = false,
                                                        .escape_backslash = false});
  if (path.empty()) {
    fmt::print(stderr, "f32patch: note: {}\n", text);
  } else {
    fmt::print(stderr, "f32patch: note: {}: {}\n", diagnostic_name(path), text);
  }
  std::fflush(stderr);
}


verify::HashResult hash_path(const std::string& path, std::span<const verify::Algorithm> algorithms,
                             bool show_progress,
                             std::span<const verify::Substitution> substitutions) {
  ProgressMeter meter(path == "-" ? std::string("(stdin)") : verify::base_name(path), show_progress);
  verify::HashResult result =
      path == "-" ? verify::hash_descriptor(STDIN_FILENO, "-", algorithms, substitutions,
                                            meter.callback())
                  : verify::hash_file(path, algorithms, substitutions, meter.callback());
  meter.finish();
  return result;
}

std::string read_text_input(const std::string& path, std::size_t limit) {
  const bool is_stdin = path == "-";
  const int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io_error(path, "cannot open for reading", errno);
  struct Closer {
    int fd;
    bool owned;
    ~Closer() {
      if (owned) ::close(fd);
    }
  } closer{fd, !is_stdin};

  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_io_error(path, "cannot read", errno);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > limit) {
      throw Error(ErrorCode::invalid_gguf, path,
                  fmt::format("is larger than {} bytes, too large for a check file or manifest", limit),
                  "pass the model with a digest option, or a check file next to it");
    }
  }
  return text;
}

void note_published(const GlobalOptions& global, std::string_view path,
                    const verify::HashResult& result) {
  for (const verify::NamedDigest& digest : result.original) {
    if (const auto* published = verify::find_published(digest.algorithm, digest.hex)) {
      report_note(global, path,
                  fmt::format("{} matches the published file: {}",
                              verify::info(digest.algorithm).bsd_tag, published->release));
    }
  }
}

}  // namespace f32patch::cli
