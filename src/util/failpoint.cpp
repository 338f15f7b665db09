#include <f32patch/util/failpoint.hpp>

#include <csignal>
#include <cstdlib>
#include <string_view>

#include <unistd.h>

namespace f32patch {

namespace {

// F32PATCH_FAILPOINT_SIGNAL: INT, TERM or HUP sends that signal instead of SIGKILL, to test
// what Ctrl-C at that point does; anything else (or unset) is SIGKILL.
int failpoint_signal() {
  const char* name = std::getenv("F32PATCH_FAILPOINT_SIGNAL");
  const std::string_view which = name == nullptr ? std::string_view() : std::string_view(name);
  if (which == "INT") return SIGINT;
  if (which == "TERM") return SIGTERM;
  if (which == "HUP") return SIGHUP;
  return SIGKILL;
}

}  // namespace

void failpoint(std::string_view name) {
  static const char* const armed = std::getenv("F32PATCH_FAILPOINT");
  if (armed != nullptr && name == armed) {
    const int signal_number = failpoint_signal();
    ::kill(::getpid(), signal_number);
    if (signal_number == SIGKILL) ::pause();  // never reached
    // SIGKILL never returns; a blocked catchable signal stays pending and is delivered when
    // the code that holds it lets it through, which is what the test wants to see.
  }
}

}  // namespace f32patch
