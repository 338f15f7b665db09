// Errors of the core library.
//
// Bad input (a malformed file, an unreadable path, a journal that does not match) is an
// ordinary error: a f32patch::Error carrying a code, the path it concerns and a sentence that
// names the field, the value found and the value expected. A caller bug is an assertion, not an
// Error. Errors are caught at one boundary (cli::run and the per-file loop of multi-file
// commands), which maps each code to a documented exit status.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace f32patch {

enum class ErrorCode {
  mismatch,        // a verification failed or differences were found
  usage,           // the command line asks for something impossible
  invalid_gguf,    // the file is not a valid or supported GGUF
  io,              // the operating system refused a read, write, open or sync
  state_conflict,  // the file is locked, or its state does not match the journal or the request
  interrupted,     // SIGINT or SIGTERM arrived
};

// The exit status the CLI uses for a code; the table lives in README.md and `--help`.
int exit_status(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string path, std::string message, std::string hint = {});

  ErrorCode code() const noexcept { return m_code; }
  const std::string& path() const noexcept { return m_path; }
  const std::string& message() const noexcept { return m_message; }
  const std::string& hint() const noexcept { return m_hint; }

 private:
  ErrorCode m_code;
  std::string m_path;
  std::string m_message;
  std::string m_hint;
};

// Throws Error{ErrorCode::io} for `path`, describing `what` failed and errno's text.
[[noreturn]] void throw_io_error(std::string_view path, std::string_view what, int errnum);

}  // namespace f32patch
