# stdout is data: when it cannot be written (a full disk, /dev/full), every command says so on
# stderr and exits 4, whether the output was small (caught at the final flush) or large (caught
# while writing); it never exits 0 with the output lost.
source "$E2E_LIB"
[ -w /dev/full ] || skip_test "/dev/full is not available"

fixture m.gguf
# full_run ARGS...: f32patch ARGS with stdout on /dev/full
full_run() {
  LAST_CMD="f32patch $* >/dev/full"
  "$F32PATCH" "$@" >/dev/full 2>err </dev/null
  STATUS=$?
}
for args in "inspect m.gguf" "inspect m.gguf --json --metadata --full" "recipes --json" "status m.gguf" \
  "apply m.gguf --recipe l25l26 --dry-run"; do
  # shellcheck disable=SC2086
  full_run $args
  expect_status 4
  expect_err "f32patch: error: standard output: cannot write ("
  expect_err_format
  check; grep -q "internal error" err && fail "$args: a write error is not an internal error"
done
