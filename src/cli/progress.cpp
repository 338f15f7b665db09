#include "progress.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "diagnostics.hpp"

namespace f32patch::cli {

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 6> k_units{"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  auto value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < k_units.size()) {
    value /= 1024.0;
    ++unit;
  }
  // One decimal below 10 ("7.7 GiB"), none above ("812 MiB"); 1023.9 would print as "1024".
  if (value < 9.95) return fmt::format("{:.1f} {}", value, k_units[unit]);
  return fmt::format("{:.0f} {}", value, k_units[unit]);
}

std::string format_duration(double seconds) {
  if (!(seconds >= 0.0)) seconds = 0.0;  // also NaN
  if (seconds > 359999.0) seconds = 359999.0;  // 99:59:59
  const auto total = static_cast<std::uint64_t>(seconds + 0.5);
  const std::uint64_t h = total / 3600;
  const std::uint64_t m = (total / 60) % 60;
  const std::uint64_t s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

std::string format_progress(std::string_view label, std::uint64_t done, std::uint64_t total,
                            double elapsed, std::size_t width) {
  std::string tail;
  if (total > 0) {
    const std::uint64_t shown = done > total ? total : done;
    const auto percent = static_cast<unsigned>(static_cast<double>(shown) * 100.0 /
                                               static_cast<double>(total));
    tail = fmt::format("  {} / {}  {}%", format_bytes(shown), format_bytes(total), percent);
  } else {
    tail = fmt::format("  {}", format_bytes(done));
  }
  if (elapsed > 0.0 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    tail += fmt::format("  {}/s", format_bytes(static_cast<std::uint64_t>(rate)));
    if (total > done) {
      tail += "  ETA " + format_duration(static_cast<double>(total - done) / rate);
    }
  }
  std::string head(label);
  if (width > 0 && head.size() + tail.size() > width) {
    const std::size_t room = width > tail.size() + 3 ? width - tail.size() - 3 : 0;
    head = room == 0 ? std::string() : "..." + head.substr(head.size() - std::min(room, head.size()));
  }
  return head + tail;
}

bool progress_wanted(const GlobalOptions& global, bool quiet) {
  if (quiet || global.verbosity < 0) return false;
  if (::isatty(STDERR_FILENO) == 0) return false;
  const char* term = std::getenv("TERM");
  return term != nullptr && *term != '\0' && std::strcmp(term, "dumb") != 0;
}

ProgressMeter::ProgressMeter(std::string label, bool enabled)
    : m_label(std::move(label)), m_enabled(enabled), m_start(Clock::now()), m_last_draw(m_start) {}

ProgressMeter::~ProgressMeter() { finish(); }

void ProgressMeter::update(std::uint64_t done, std::uint64_t total) {
  if (!m_enabled) return;
  const auto now = Clock::now();
  if (now - m_start < k_delay || (m_drawn && now - m_last_draw < k_interval)) return;
  m_last_draw = now;
  std::size_t width = 80;
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) width = ws.ws_col - 1u;
  const double elapsed = std::chrono::duration<double>(now - m_start).count();
  fmt::print(stderr, "\r{}\x1b[K", format_progress(m_label, done, total, elapsed, width));
  std::fflush(stderr);
  m_drawn = true;
}

void ProgressMeter::finish() {
  if (!m_drawn) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  m_drawn = false;
}

verify::ProgressFn ProgressMeter::callback() {
  if (!m_enabled) return {};
  return [this](std::uint64_t done, std::uint64_t total) { update(done, total); };
}

}  // namespace f32patch::cli
