# Progress appears on stderr only when it is a terminal (here a pseudo-terminal from script(1))
# and TERM is not dumb, and not with -q; it is redrawn in place with bytes, rate and ETA, and
# erased before the result, which is unchanged. Without a terminal stderr stays empty.
source "$E2E_LIB"
command -v script >/dev/null || { echo "skipped: script (util-linux) is not installed"; exit 125; }

truncate -s 1G big   # MD5 of 1 GiB takes over a second: past the meter's one-second delay
md5=$(md5sum big | cut -d' ' -f1)

# in_terminal TERM ARGS...: runs f32patch under a pseudo-terminal, everything it shows in ./tty
in_terminal() {
  local term=$1; shift
  LAST_CMD="TERM=$term script f32patch $*"
  TERM=$term script -qfec "$(printf '%q ' "$F32PATCH" "$@")" tty > /dev/null 2>&1 < /dev/null
  STATUS=$?
}

in_terminal xterm hash big
expect_status 0
check; grep -qa 'ETA 0:0' tty || fail "no progress line with an ETA under a terminal"
check; grep -qaE 'big  [0-9.]+ [KMG]i?B / 1\.0 GiB  [0-9]+%  [0-9.]+ [KMG]iB/s' tty || fail "progress line format"
# the line is erased (CR, erase-to-end) and the check line follows, intact
check; grep -qa "$(printf '\r\033\\[K')$md5  big" tty || fail "progress not erased before the result"

in_terminal dumb hash big
expect_status 0
check; ! grep -qa 'ETA' tty || fail "progress with TERM=dumb"
check; grep -qa "$md5  big" tty || fail "result missing with TERM=dumb"

in_terminal xterm -q hash big
expect_status 0
check; ! grep -qa 'ETA' tty || fail "progress with -q"

in_terminal xterm verify big --md5 "$md5" --quiet
expect_status 0
check; ! grep -qa 'ETA' tty || fail "progress with verify --quiet"

in_terminal xterm verify big --md5 "$md5"
expect_status 0
check; grep -qa 'ETA' tty || fail "no progress for verify under a terminal"
check; grep -qa 'big: OK' tty || fail "verify result missing"

# not a terminal: nothing on stderr
f32p hash big
expect_status 0
expect_no_err
expect_eq "$(cat out)" "$md5  big" "plain run"
rm -f big
