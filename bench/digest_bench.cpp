// The CPU ceiling of each digest: Digest::update over a buffer that stays in cache, so no I/O
// and no copies are measured. Also the check-line parser, which is never the bottleneck.
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <f32patch/verify/algorithm.hpp>
#include <f32patch/verify/check_file.hpp>

namespace {

using f32patch::verify::Algorithm;

std::vector<std::byte> random_buffer(std::size_t size) {
  std::mt19937_64 rng(42);
  std::vector<std::byte> bytes(size);
  for (auto& b : bytes) b = static_cast<std::byte>(rng());
  return bytes;
}

void digest_update(benchmark::State& state, Algorithm algorithm) {
  const auto buffer = random_buffer(static_cast<std::size_t>(state.range(0)));
  f32patch::verify::Digest digest(algorithm);
  for (auto _ : state) {
    digest.update(buffer);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(digest.finish());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void parse_check_lines(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 1000; ++i) {
    text += "900150983cd24fb0d6963f7d28e17f72  models/gemma-4-31b-it-Q4_K_M-" + std::to_string(i) +
            ".gguf\n";
  }
  for (auto _ : state) benchmark::DoNotOptimize(f32patch::verify::parse_check_file(text));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 1000);
}

}  // namespace

BENCHMARK(parse_check_lines);

int main(int argc, char** argv) {
  // One digest benchmark per row of the algorithm table, so a new row is measured too.
  for (const f32patch::verify::AlgorithmInfo& row : f32patch::verify::algorithms()) {
    const std::string name = "digest_update/" + std::string(row.name);
    benchmark::RegisterBenchmark(name.c_str(), digest_update, row.id)->Arg(1 << 20);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
