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
