// Crash-test hooks. When the environment variable F32PATCH_FAILPOINT names a failpoint, the
// process kills itself with SIGKILL the moment execution reaches it: no destructor, no flush,
// exactly what a power cut or `kill -9` leaves behind. The tests use this to prove that every
// step of apply and restore can be interrupted and recovered. With F32PATCH_FAILPOINT_SIGNAL
// set to INT, TERM or HUP the process sends itself that signal instead (Ctrl-C at that point).
// Unset, a failpoint costs a string comparison.
#pragma once

#include <string_view>

namespace f32patch {

void failpoint(std::string_view name);

}  // namespace f32patch
