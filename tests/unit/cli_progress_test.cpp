// The progress line: units, durations, rate and ETA, and fitting into the terminal width.
#include <gtest/gtest.h>

#include "cli/diagnostics.hpp"
#include "cli/progress.hpp"

namespace f32patch::cli {
namespace {

TEST(CliProgress, FormatsBytes) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(1023), "1023 B");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(812ull << 20), "812 MiB");
  EXPECT_EQ(format_bytes(8268300000ull), "7.7 GiB");
  EXPECT_EQ(format_bytes(10ull << 30), "10 GiB");
  EXPECT_EQ(format_bytes(UINT64_MAX), "16384 PiB");
}

TEST(CliProgress, FormatsDurations) {
  EXPECT_EQ(format_duration(0), "0:00");
  EXPECT_EQ(format_duration(8.4), "0:08");
  EXPECT_EQ(format_duration(754), "12:34");
  EXPECT_EQ(format_duration(3723), "1:02:03");
  EXPECT_EQ(format_duration(-5), "0:00");
  EXPECT_EQ(format_duration(1e12), "99:59:59");
}

TEST(CliProgress, FormatsTheLine) {
  // 1 GiB of 4 GiB in 2 s: 512 MiB/s, 6 s to go.
  EXPECT_EQ(format_progress("model.gguf", 1ull << 30, 4ull << 30, 2.0),
            "model.gguf  1.0 GiB / 4.0 GiB  25%  512 MiB/s  ETA 0:06");
  // unknown total (a pipe): bytes and rate only
  EXPECT_EQ(format_progress("(stdin)", 3ull << 20, 0, 1.0), "(stdin)  3.0 MiB  3.0 MiB/s");
  // done, or nothing measured yet
  EXPECT_EQ(format_progress("m", 100, 100, 1.0), "m  100 B / 100 B  100%  100 B/s");
  EXPECT_EQ(format_progress("m", 0, 100, 0.0), "m  0 B / 100 B  0%");
}

TEST(CliProgress, ShortensTheLabelToFit) {
  const std::string line = format_progress("a/very/long/directory/name/model-Q4_K_M.gguf",
                                           1ull << 30, 4ull << 30, 2.0, 60);
  EXPECT_LE(line.size(), 60u);
  EXPECT_EQ(line.substr(0, 3), "...");
  EXPECT_NE(line.find("Q4_K_M.gguf  1.0 GiB"), std::string::npos) << line;
  // a width too small for anything but the numbers
  EXPECT_EQ(format_progress("model.gguf", 1, 2, 0.0, 10).substr(0, 2), "  ");
}

TEST(CliProgress, IsOffWhenNotWanted) {
  GlobalOptions quiet;
  quiet.verbosity = -1;
  EXPECT_FALSE(progress_wanted(quiet));
  GlobalOptions normal;
  EXPECT_FALSE(progress_wanted(normal, /*quiet=*/true));
  // Under ctest stderr is not a terminal.
  EXPECT_FALSE(progress_wanted(normal));
  ProgressMeter meter("x", false);
  EXPECT_FALSE(static_cast<bool>(meter.callback()));
  meter.update(1, 2);
  meter.finish();
}

}  // namespace
}  // namespace f32patch::cli
