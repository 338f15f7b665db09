// Progress on stderr for long work (hashing multi-GB files), in the polite way:
//   - only when stderr is a terminal and TERM is set and not "dumb", and not under -q;
//   - nothing for the first second, so short work never flickers;
//   - at most four redraws a second, one line rewritten in place, erased when done.
// The line: "model.gguf  1.2 GiB / 7.7 GiB  15%  812 MiB/s  ETA 0:08". No colour is used, so
// NO_COLOR has nothing to turn off.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <f32patch/verify/hasher.hpp>

namespace f32patch::cli {

struct GlobalOptions;

// "0 B", "512 B", "1.0 KiB", "812 MiB", "7.7 GiB" (binary units; one decimal below 10).
std::string format_bytes(std::uint64_t bytes);
// "0:08", "12:34", "1:02:03".
std::string format_duration(double seconds);
// The progress line for `done` of `total` bytes (total 0: unknown) after `elapsed` seconds,
// at most `width` columns (the label is shortened from the left to fit).
std::string format_progress(std::string_view label, std::uint64_t done, std::uint64_t total,
                            double elapsed, std::size_t width = 80);

// Whether progress should be drawn: stderr is a terminal, TERM is set and not "dumb", the
// verbosity is not lowered, and the command was not asked to be quiet.
bool progress_wanted(const GlobalOptions& global, bool quiet = false);

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;

  ProgressMeter(std::string label, bool enabled);
  ProgressMeter(const ProgressMeter&) = delete;
  ProgressMeter& operator=(const ProgressMeter&) = delete;
  ~ProgressMeter();

  void update(std::uint64_t done, std::uint64_t total);
  // Erases the line if one was drawn.
  void finish();
  // A callback for the hashing functions that updates this meter.
  verify::ProgressFn callback();

  static constexpr std::chrono::milliseconds k_delay{1000};
  static constexpr std::chrono::milliseconds k_interval{250};

 private:
  std::string m_label;
  bool m_enabled;
  bool m_drawn = false;
  Clock::time_point m_start;
  Clock::time_point m_last_draw;
};

}  // namespace f32patch::cli
