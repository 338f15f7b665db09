#!/usr/bin/env bash
# The main job, end to end, on a generated Gemma-4-31B-shaped model:
# installs what is missing, builds f32patch, writes a sparse 7.7 GB demo GGUF (the real header
# layout: 833 tensors, 262,144 tokens, 514,906 merges; quantized weights left as holes, so it
# costs ~25 MB of disk) and runs f32patch on it.
# Usage: scripts/demo.sh [DIR]     (default DIR: /tmp/f32patch-demo)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
f32patch_install_missing "${f32patch_packages_build[@]}" libgtest-dev jq

demo_dir=${1:-${TMPDIR:-/tmp}/f32patch-demo}
build=build/demo

echo "== building f32patch (${build})" >&2
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target f32patch f32patch-fixture >/dev/null
f32patch="$PWD/$build/src/f32patch"
fixture="$PWD/$build/tests/f32patch-fixture"

mkdir -p "$demo_dir"
model="$demo_dir/gemma-4-31B-it-demo.gguf"
rm -f "$model" "$model".*
"$fixture" "$model" --shape 31b
echo "== demo model: $model ($(du -h --apparent-size "$model" | cut -f1) apparent, $(du -h "$model" | cut -f1) on disk)" >&2

# show ARGS...: print the f32patch command line as a user would type it, then run it.
show() {
  printf '\n$ f32patch %s\n' "$*" >&2
  "$f32patch" "$@"
}
# show_jq FILTER ARGS...: the same, piped through jq.
show_jq() {
  local filter=$1
  shift
  printf "\n\$ f32patch %s | jq '%s'\n" "$*" "$filter" >&2
  "$f32patch" "$@" | jq "$filter"
}
cd "$demo_dir"
model=$(basename "$model")

show inspect "$model"
show_jq '{file, tensor_count, block_count, data_offset, layer_25: .layers[25]}' inspect "$model" --json
