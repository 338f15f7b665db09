#!/usr/bin/env bash
# The main job, end to end, on a generated Gemma-4-31B-shaped model:
# installs what is missing, builds f32patch, writes a sparse 7.7 GB demo GGUF (the real header
# layout: 833 tensors, 262,144 tokens, 514,906 merges; quantized weights left as holes, so it
# costs ~25 MB of disk) and runs the main job on it: inspect, hash, apply L25+L26 x1.5 with
# digests, status, verify, restore with proof of the round trip, verify again.
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

# show ARGS...: print the f32patch command line as a user would type it, run it, and say its
# exit status when it is not 0 (status uses 10 for "patched").
show() {
  printf '\n$ f32patch %s\n' "$*" >&2
  local rc=0
  "$f32patch" "$@" || rc=$?
  [ "$rc" -eq 0 ] || printf '(exit status %d)\n' "$rc" >&2
  return 0
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
before=$(md5sum "$model" | cut -d' ' -f1)

show inspect "$model"
show_jq '{file, tensor_count, block_count, data_offset, layer_25: .layers[25]}' inspect "$model" --json
# the pristine file's MD5, as a sidecar that verify picks up by itself (md5sum -c reads it too)
printf '\n$ f32patch hash %s > %s.md5\n' "$model" "$model" >&2
"$f32patch" hash "$model" > "$model.md5"
cat "$model.md5" >&2
show apply "$model" --layers 25,26 --scale 1.5 --verify
show apply "$model" --recipe l25l26
show status "$model"
show_jq '[.layers[24,25,26,27] | {layer, value, bits}]' inspect "$model" --json
show verify "$model"
show restore "$model" --verify
show status "$model"
show verify "$model"

after=$(md5sum "$model" | cut -d' ' -f1)
printf '\n$ md5sum -c %s.md5\n' "$model" >&2
md5sum -c "$model.md5" >&2
printf '\nmd5 before apply: %s\nmd5 after restore: %s\n' "$before" "$after" >&2
if [ "$before" != "$after" ]; then
  echo "demo: FAILED: restore did not bring back the original bytes" >&2
  exit 1
fi
echo "demo: round trip OK: restore brought back every byte" >&2
