# An exclusive flock(2) on the model makes apply and restore fail at once (exit 5, "locked"),
# and two concurrent applies of different recipes never both write: afterwards the file holds
# exactly one recipe, consistently, and restore brings back the pristine bytes.
source "$E2E_LIB"
need_cmd flock

fixture pristine.gguf
pristine=$(digest pristine.gguf)
for recipe in l25l26 basin-b; do
  cp pristine.gguf "ref-$recipe.gguf"
  f32p apply "ref-$recipe.gguf" --recipe "$recipe" -q
  expect_status 0
done
ref_l25l26=$(digest ref-l25l26.gguf)
ref_basin=$(digest ref-basin-b.gguf)

# util-linux flock(1) takes flock(2) locks, as f32patch does. Hold one for 30 s (killed at exit).
cp pristine.gguf m.gguf
f32p apply m.gguf --recipe basin-b -q
patched=$(digest m.gguf)
journal=$(digest m.gguf.backup)
e2e_background flock -x m.gguf -c 'touch holding; exec sleep 30'
for _ in $(seq 100); do [ -e holding ] && break; sleep 0.05; done
check; [ -e holding ] || fail "flock did not take the lock"

for cmd in "apply m.gguf --recipe l25l26" "restore m.gguf" "apply m.gguf --restore" "restore m.gguf --force"; do
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  f32p $cmd
  took=$((($(date +%s%N) - start) / 1000000))
  expect_status 5
  expect_err "f32patch: error: m.gguf: is locked by another f32patch apply or restore"
  expect_err_format
  check; [ "$took" -lt 5000 ] || fail "'f32patch $cmd' took $took ms under a held lock; expected to fail fast"
done
# status and a dry run only read: they work while the lock is held
f32p status m.gguf
expect_status 10
f32p apply m.gguf --recipe l25l26 --dry-run
expect_status 0
expect_digest m.gguf "$patched" "model after refused applies under the lock"
expect_digest m.gguf.backup "$journal" "journal after refused applies under the lock"
e2e_kill_background

# once the lock is gone, both work again
f32p apply m.gguf --recipe l25l26 -q
expect_status 0
expect_digest m.gguf "$ref_l25l26" "apply after the lock is released"
f32p restore m.gguf -q
expect_status 0
expect_digest m.gguf "$pristine" "restore after the lock is released"

# the race: two applies of different recipes, started together, ten times
both_wrote=0
one_refused=0
for round in $(seq 10); do
  f=race$round.gguf
  cp pristine.gguf "$f"
  { "$F32PATCH" apply "$f" --recipe l25l26 >a.out 2>a.err </dev/null; echo $? >a.rc; } &
  pid_a=$!
  { "$F32PATCH" apply "$f" --recipe basin-b >b.out 2>b.err </dev/null; echo $? >b.rc; } &
  pid_b=$!
  E2E_BG_PIDS="$E2E_BG_PIDS $pid_a $pid_b"
  trap 'e2e_kill_background; e2e_finish' EXIT
  wait "$pid_a" "$pid_b"
  E2E_BG_PIDS=""
  rc_a=$(cat a.rc)
  rc_b=$(cat b.rc)
  LAST_CMD="round $round: apply l25l26 (exit $rc_a) || apply basin-b (exit $rc_b)"
  STATUS="$rc_a/$rc_b"
  check
  case "$rc_a/$rc_b" in
    0/0) both_wrote=$((both_wrote + 1)) ;;  # one after the other: the second replaced the first
    0/5 | 5/0)
      one_refused=$((one_refused + 1))
      grep -qF "is locked by another f32patch apply or restore" a.err b.err ||
        fail "round $round: the refused apply does not say the file is locked"
      ;;
    *) fail "round $round: unexpected exit statuses $rc_a/$rc_b: $(cat a.err b.err)" ;;
  esac
  f32p status "$f" --json
  expect_status 10
  expect_jq '.recipes | length' 1
  expect_jq '[.targets[] | select(.state != "patched")] | length' 0
  recipe=$(jq -r '.recipes[0]' out)
  # every target consistent: the whole file equals that recipe applied alone
  case "$recipe" in
    l25l26) expect_digest "$f" "$ref_l25l26" "round $round: file patched by l25l26" ;;
    basin-b) expect_digest "$f" "$ref_basin" "round $round: file patched by basin-b" ;;
    *) check; fail "round $round: journal names recipe '$recipe'" ;;
  esac
  f32p restore "$f" -q
  expect_status 0
  expect_digest "$f" "$pristine" "round $round: restore"
  expect_no_file "$f.backup"
done
echo "race: $one_refused rounds with one apply refused by the lock, $both_wrote run one after the other"
