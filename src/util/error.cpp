#include <f32patch/util/error.hpp>

#include <cstring>

#include <fmt/format.h>

namespace f32patch {

int exit_status(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::mismatch: return 1;
    case ErrorCode::usage: return 2;
    case ErrorCode::invalid_gguf: return 3;
    case ErrorCode::io: return 4;
    case ErrorCode::state_conflict: return 5;
    case ErrorCode::interrupted: return 130;
  }
  return 4;
}

static std::string compose(const std::string& path, const std::string& message) {
  return path.empty() ? message : path + ": " + message;
}

Error::Error(ErrorCode code, std::string path, std::string message, std::string hint)
    : std::runtime_error(compose(path, message)),
      m_code(code),
      m_path(std::move(path)),
      m_message(std::move(message)),
      m_hint(std::move(hint)) {}

void throw_io_error(std::string_view path, std::string_view what, int errnum) {
  throw Error(ErrorCode::io, std::string(path), fmt::format("{} ({})", what, std::strerror(errnum)));
}

}  // namespace f32patch
