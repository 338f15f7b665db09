#!/usr/bin/env bash
# Runs the GGUF reader fuzzer for a while on a generated seed corpus.
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]   (BUILD_DIR configured with -DF32PATCH_BUILD_FUZZERS=ON)
set -euo pipefail
build=${1:?usage: fuzz.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
corpus="$build/fuzz-corpus"
mkdir -p "$corpus"
"$build/tests/fuzz/f32patch_fuzz_seeds" "$corpus"
# The corpus directory keeps what the fuzzer finds between runs; -max_len bounds each input.
log="$build/fuzz.log"
if ! "$build/tests/fuzz/gguf_reader_fuzz" "$corpus" -max_total_time="$seconds" -max_len=4096 \
  -print_final_stats=1 -artifact_prefix="$build/" >"$log" 2>&1; then
  cat "$log" >&2
  echo "fuzz: the reader crashed or misbehaved; the input is saved under $build/crash-*" >&2
  exit 1
fi
grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$log"
