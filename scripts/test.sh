#!/usr/bin/env bash
# Installs what is missing, builds and runs the whole test suite:
#   1. the normal build with warnings as errors: unit tests and end-to-end tests (ctest);
#   2. a short libFuzzer run of the GGUF reader (clang-14), seeded with generated fixtures;
#   3. the same ctest suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
# Usage: scripts/test.sh [--quick]     (--quick: step 1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
f32patch_install_missing "${f32patch_packages_build[@]}" "${f32patch_packages_test[@]}"

quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)
export CTEST_OUTPUT_ON_FAILURE=1

step() { printf '\n== %s\n' "$*" >&2; }

step "build (warnings are errors)"
cmake -S . -B build/test -DCMAKE_BUILD_TYPE=RelWithDebInfo -DF32PATCH_WERROR=ON >/dev/null
cmake --build build/test -j"$jobs"
step "test suite"
ctest --test-dir build/test -j"$jobs" --timeout 600

[ "$quick" = 1 ] && exit 0

step "fuzz the GGUF reader (clang-14 + libFuzzer)"
CXX=clang++-14 cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DF32PATCH_BUILD_TESTS=OFF \
  -DF32PATCH_BUILD_FUZZERS=ON -DF32PATCH_WERROR=ON >/dev/null
cmake --build build/fuzz -j"$jobs"
scripts/fuzz.sh build/fuzz "${F32PATCH_FUZZ_SECONDS:-60}"

step "test suite under ASan + UBSan"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DF32PATCH_ENABLE_ASAN=ON -DF32PATCH_ENABLE_UBSAN=ON \
  -DF32PATCH_WERROR=ON >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan -j"$jobs" --timeout 900
