# A kill -9 at every step of apply leaves a file that `status` can name (pristine, patched or
# partially patched; never "modified" or "foreign") and that `restore` returns to its original
# bytes. Also while re-basing one recipe onto another, and while stacking.
source "$E2E_LIB"

fixture pristine.gguf
pristine=$(digest pristine.gguf)
cp pristine.gguf ref-l25l26.gguf
f32p apply ref-l25l26.gguf --recipe l25l26 -q
ref_l25l26=$(digest ref-l25l26.gguf)

# crash_then_restore NAME FAILPOINT EXPECTED-STATUS APPLY-ARGS...: NAME.gguf must exist already.
crash_then_restore() {
  local name=$1 point=$2 want=$3
  shift 3
  f32p_killed_at "$point" apply "$name.gguf" "$@"
  check; [ "$STATUS" -eq 137 ] || fail "$name: apply with failpoint $point: expected SIGKILL (137), got $STATUS"
  f32p status "$name.gguf"
  expect_status_in 0 10 11
  expect_status "$want"
  # whatever the state, nothing is beyond repair: restore, then the pristine bytes
  f32p restore "$name.gguf"
  expect_status 0
  expect_err_format
  expect_digest "$name.gguf" "$pristine" "$name: restore after a kill at $point"
  expect_no_file "$name.gguf.backup"
  f32p status "$name.gguf"
  expect_status 0
}

# point:expected status after the kill (l25l26: two targets, so one write leaves it partial)
for spec in apply.locked:0 journal.written:0 journal.synced:0 journal.renamed:0 \
  apply.journal_committed:0 apply.target_written:11 apply.written:10 apply.synced:10; do
  point=${spec%%:*}
  cp pristine.gguf "$point.gguf"
  crash_then_restore "$point" "$point" "${spec#*:}" --recipe l25l26
  # the stale temporary journal of an interrupted write confuses nothing: apply and restore
  # work around it
  f32p apply "$point.gguf" --recipe l25l26 -q
  expect_status 0
  expect_digest "$point.gguf" "$ref_l25l26" "$point: apply after the crash and restore"
  f32p status "$point.gguf"
  expect_status 10
  f32p restore "$point.gguf" -q
  expect_status 0
  expect_digest "$point.gguf" "$pristine" "$point: second restore"
done

# a kill before the rename leaves a temporary journal behind; the next apply or restore, holding
# the lock, removes it, so none is left after the recovery above
check; [ -z "$(temp_journals .)" ] || fail "stale temporary journals left behind: $(temp_journals . | tr '\n' ' ')"

# a kill with the journal in place but nothing written: status explains it
cp pristine.gguf stale.gguf
f32p_killed_at apply.journal_committed apply stale.gguf --recipe basin-b
f32p status stale.gguf
expect_status 0
expect_out "every target holds its original bytes, but the journal for basin-b is still there (an interrupted apply"
# and a new apply simply starts over
f32p apply stale.gguf --recipe l25l26 -q
expect_status 0
expect_digest stale.gguf "$ref_l25l26" "apply over a journal whose apply was interrupted"
f32p restore stale.gguf -q
expect_status 0
expect_digest stale.gguf "$pristine" "restore after starting over"

# a kill while re-basing: basin-b applied, then l25l26 killed at each step of the replace
for spec in apply.target_reset:11 apply.journal_committed:0 apply.target_written:11 apply.written:10; do
  point=${spec%%:*}
  name=rebase-$point
  cp pristine.gguf "$name.gguf"
  f32p apply "$name.gguf" --recipe basin-b -q
  expect_status 0
  crash_then_restore "$name" "$point" "${spec#*:}" --recipe l25l26
done

# a kill while stacking: l25l26, then l25l26 --stack killed
for spec in apply.target_reset:11 apply.journal_committed:0 apply.target_written:11 apply.synced:10; do
  point=${spec%%:*}
  name=stack-$point
  cp pristine.gguf "$name.gguf"
  f32p apply "$name.gguf" --recipe l25l26 -q
  expect_status 0
  crash_then_restore "$name" "$point" "${spec#*:}" --recipe l25l26 --stack
done

# a kill on a big-endian file (its journal stores big-endian bytes)
fixture be.gguf --big-endian --gguf-version 2
be=$(digest be.gguf)
f32p_killed_at apply.target_written apply be.gguf --recipe basin-b
check; [ "$STATUS" -eq 137 ] || fail "big-endian apply: expected 137, got $STATUS"
f32p status be.gguf
expect_status 11
f32p restore be.gguf -q
expect_status 0
expect_digest be.gguf "$be" "big-endian restore after a kill"
