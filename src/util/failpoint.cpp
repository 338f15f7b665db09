#include <f32patch/util/failpoint.hpp>

#include <csignal>
#include <cstdlib>

#include <unistd.h>

namespace f32patch {

void failpoint(std::string_view name) {
  static const char* const armed = std::getenv("F32PATCH_FAILPOINT");
  if (armed != nullptr && name == armed) {
    ::kill(::getpid(), SIGKILL);
    ::pause();  // SIGKILL cannot be caught; never reached
  }
}

}  // namespace f32patch
