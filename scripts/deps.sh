#!/usr/bin/env bash
# Installs the Debian packages f32patch needs that are not installed yet (as root, via apt-get).
# Sourced by demo.sh and test.sh; `deps.sh test` adds what the test suite and fuzzer need.
set -euo pipefail

f32patch_packages_build=(
  g++ cmake make pkg-config
  libcli11-dev libfmt-dev libxxhash-dev libssl-dev nlohmann-json3-dev libtomlplusplus-dev
)
f32patch_packages_test=(
  libgtest-dev libbenchmark-dev clang-14 libclang-rt-14-dev
  jq xxhash coreutils util-linux
)

f32patch_install_missing() {
  local missing=() pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "deps: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-build}" in
    build) f32patch_install_missing "${f32patch_packages_build[@]}" ;;
    test) f32patch_install_missing "${f32patch_packages_build[@]}" "${f32patch_packages_test[@]}" ;;
    *) echo "usage: $0 [build|test]" >&2; exit 2 ;;
  esac
fi
