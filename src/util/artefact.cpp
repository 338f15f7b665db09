#include <f32patch/util/artefact.hpp>

#include <array>
#include <cassert>
#include <climits>
#include <csignal>
#include <cstring>

#include <unistd.h>

namespace f32patch {

namespace {

constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGHUP};

// Read by the signal handler: a fixed buffer and a flag, nothing that allocates.
char g_path[PATH_MAX + 1];
volatile std::sig_atomic_t g_armed = 0;
std::array<struct sigaction, k_signals.size()> g_previous{};

extern "C" void remove_artefact_and_die(int signal_number) {
  if (g_armed != 0) ::unlink(g_path);
  struct sigaction fallback {};
  fallback.sa_handler = SIG_DFL;
  sigemptyset(&fallback.sa_mask);
  ::sigaction(signal_number, &fallback, nullptr);
  ::raise(signal_number);  // delivered on return: the shell sees the usual 128 + N
}

}  // namespace

TemporaryArtefact::TemporaryArtefact(const std::string& path) {
  assert(g_armed == 0 && "one temporary artefact at a time");
  if (path.size() > PATH_MAX) return;  // the open that made it would have failed already
  std::memcpy(g_path, path.c_str(), path.size() + 1);
  g_armed = 1;
  struct sigaction action {};
  action.sa_handler = remove_artefact_and_die;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < k_signals.size(); ++i) {
    ::sigaction(k_signals[i], nullptr, &g_previous[i]);
    // An ignored signal stays ignored (nohup, a background job of a script): it must not start
    // ending the process just because a copy is being made.
    if (g_previous[i].sa_handler != SIG_IGN) ::sigaction(k_signals[i], &action, nullptr);
  }
}

TemporaryArtefact::~TemporaryArtefact() {
  if (g_armed == 0) return;
  for (std::size_t i = 0; i < k_signals.size(); ++i) ::sigaction(k_signals[i], &g_previous[i], nullptr);
  g_armed = 0;
}

}  // namespace f32patch
