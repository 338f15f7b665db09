# Helpers for end-to-end tests: each tests/e2e/test_*.sh sources this, runs the real binaries
# ($F32PATCH, $F32PATCH_FIXTURE) in a scratch directory and checks stdout, stderr and status.
# Set F32PATCH_KEEP_SCRATCH=1 to keep the scratch directory of a failing test.
set -uo pipefail

: "${F32PATCH:?F32PATCH must point at the f32patch binary}"
: "${F32PATCH_FIXTURE:?F32PATCH_FIXTURE must point at the f32patch-fixture binary}"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/f32patch-e2e.XXXXXX")
E2E_FAILURES=0
E2E_CHECKS=0
cd "$SCRATCH" || exit 1

e2e_finish() {
  if [ "$E2E_FAILURES" -ne 0 ]; then
    echo "$(basename "$0"): $E2E_FAILURES of $E2E_CHECKS checks failed (scratch: $SCRATCH)" >&2
    [ "${F32PATCH_KEEP_SCRATCH:-0}" = 1 ] || rm -rf "$SCRATCH"
    exit 1
  fi
  rm -rf "$SCRATCH"
  echo "$(basename "$0"): all $E2E_CHECKS checks passed"
  exit 0
}
trap e2e_finish EXIT

fail() {
  E2E_FAILURES=$((E2E_FAILURES + 1))
  echo "FAIL: $*" >&2
  echo "  command: ${LAST_CMD:-}" >&2
  echo "  status:  ${STATUS:-}" >&2
  [ -f out ] && sed 's/^/  stdout| /' out | head -n 20 >&2
  [ -f err ] && sed 's/^/  stderr| /' err | head -n 20 >&2
}
check() { E2E_CHECKS=$((E2E_CHECKS + 1)); }

# run CMD...: runs with stdin closed, stdout in ./out, stderr in ./err, status in $STATUS.
run() {
  LAST_CMD="$*"
  "$@" >out 2>err </dev/null
  STATUS=$?
}
# f32p ARGS...: run the f32patch binary.
f32p() { run "$F32PATCH" "$@"; }

expect_status() { check; [ "$STATUS" -eq "$1" ] || fail "expected exit status $1, got $STATUS"; }
expect_out() { check; grep -qF -- "$1" out || fail "stdout lacks: $1"; }
expect_out_re() { check; grep -qE -- "$1" out || fail "stdout does not match: $1"; }
expect_err() { check; grep -qF -- "$1" err || fail "stderr lacks: $1"; }
expect_no_out() { check; [ ! -s out ] || fail "stdout should be empty"; }
expect_no_err() { check; [ ! -s err ] || fail "stderr should be empty"; }
# expect_eq ACTUAL EXPECTED WHAT
expect_eq() { check; [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"; }
# expect_jq FILTER EXPECTED: jq -r FILTER over ./out equals EXPECTED
expect_jq() {
  check
  local got
  got=$(jq -r "$1" out 2>&1) || { fail "jq '$1' failed: $got"; return; }
  [ "$got" = "$2" ] || fail "jq '$1': expected '$2', got '$got'"
}
# every error line on stderr has the one documented shape
expect_err_format() {
  check
  if grep -vE '^f32patch: (error|warning|hint|note): ' err | grep -q .; then
    fail "stderr has lines outside the 'f32patch: error|warning|hint|note: ' format"
  fi
}
# digest FILE: md5 of a file, to prove a command left it untouched
digest() { md5sum "$1" | cut -d' ' -f1; }

# --- helpers for the patch engine tests (apply, restore, status) ---

# skip_test WHY: ends the test as skipped (CTest SKIP_RETURN_CODE 125).
skip_test() {
  trap - EXIT
  e2e_kill_background
  rm -rf "$SCRATCH"
  echo "$(basename "$0"): skipped: $*"
  exit 125
}
# need_cmd CMD...: skip the test unless every command is on PATH.
need_cmd() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip_test "$c is not installed"; done
}
# fixture OUT [ARGS...]: writes a fixture; a failure to write one aborts the test.
fixture() {
  "$F32PATCH_FIXTURE" "$@" >/dev/null 2>fixture.err || {
    fail "cannot write fixture: $F32PATCH_FIXTURE $*: $(cat fixture.err)"
    exit 1
  }
}
# f32p_killed_at FAILPOINT ARGS...: run f32patch with F32PATCH_FAILPOINT set. Inside a group,
# so the shell's "Killed" notice lands in ./err rather than in the test log.
f32p_killed_at() {
  local point=$1
  shift
  LAST_CMD="F32PATCH_FAILPOINT=$point $F32PATCH $*"
  { F32PATCH_FAILPOINT=$point "$F32PATCH" "$@"; } >out 2>err </dev/null
  STATUS=$?
}
# expect_status_in S...: the exit status is one of these.
expect_status_in() {
  check
  local s
  for s in "$@"; do [ "$STATUS" -eq "$s" ] && return; done
  fail "expected exit status in {$*}, got $STATUS"
}
expect_err_re() { check; grep -qE -- "$1" err || fail "stderr does not match: $1"; }
expect_not_out() { check; ! grep -qF -- "$1" out || fail "stdout should not contain: $1"; }
expect_file() { check; [ -e "$1" ] || fail "file should exist: $1"; }
expect_no_file() { check; if [ -e "$1" ] || [ -L "$1" ]; then fail "file should not exist: $1"; fi; }
# expect_digest FILE DIGEST WHAT: md5 of FILE is DIGEST (the file is untouched, or restored).
expect_digest() {
  check
  local got
  got=$(digest "$1" 2>/dev/null)
  [ "$got" = "$2" ] || fail "$3: md5 of $1 is '$got', expected '$2'"
}
# status_of FILE [ARGS...]: the exit status of `f32patch status`, printed.
status_of() {
  "$F32PATCH" status "$@" >/dev/null 2>&1 </dev/null
  echo $?
}
# layer_bits FILE LAYER: the bits of blk.LAYER.layer_output_scale.weight, as inspect shows them.
layer_bits() { "$F32PATCH" inspect "$1" --json </dev/null | jq -r ".layers[$2].bits"; }
# temp_journals DIR: the hidden temporary journals (.NAME.backup.tmp.XXXXXX) in DIR.
temp_journals() { find "${1:-.}" -maxdepth 1 -name '.*.tmp.*' | sort; }

# Background processes that must not outlive the test: e2e_background CMD... starts one in a
# process group of its own (setsid), so that killing it also kills the children it started.
E2E_BG_PIDS=""
e2e_kill_background() {
  local pid
  for pid in $E2E_BG_PIDS; do
    kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  E2E_BG_PIDS=""
}
e2e_background() {
  if command -v setsid >/dev/null 2>&1; then
    setsid "$@" </dev/null >/dev/null 2>&1 &
  else
    "$@" </dev/null >/dev/null 2>&1 &
  fi
  E2E_LAST_BG=$!
  E2E_BG_PIDS="$E2E_BG_PIDS $E2E_LAST_BG"
  trap 'e2e_kill_background; e2e_finish' EXIT
}
