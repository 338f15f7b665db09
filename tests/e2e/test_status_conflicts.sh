# The states that need a person: a journal that belongs to another file (status 13) and a file
# modified since the journal (status 12). restore and apply refuse both (exit 5) and change
# nothing; restore --force writes the originals over a modified file, loudly.
source "$E2E_LIB"

fixture a.gguf --seed 1
fixture b.gguf --seed 7  # same size as seed 1, another header
pristine_a=$(digest a.gguf)
pristine_b=$(digest b.gguf)
check; [ "$pristine_a" != "$pristine_b" ] || fail "fixtures with different seeds are identical"
check; [ "$(stat -c %s a.gguf)" = "$(stat -c %s b.gguf)" ] || fail "seeds 1 and 7 no longer give files of one size"

# a journal for a.gguf, used for b.gguf (same size, another header)
f32p apply a.gguf --recipe l25l26 -q
expect_status 0
patched_a=$(digest a.gguf)
journal_a=$(digest a.gguf.backup)
f32p status b.gguf --backup a.gguf.backup
expect_status 13
expect_out "b.gguf: journal a.gguf.backup is for another file (header digest "
expect_err "f32patch: hint: b.gguf: the journal belongs to another download or version of the model"
f32p status b.gguf --backup a.gguf.backup --json
expect_status 13
expect_jq '.state' "journal belongs to another file"
expect_jq '.exit_status' 13
f32p restore b.gguf --backup a.gguf.backup
expect_status 5
expect_err "f32patch: error: b.gguf: refusing to restore: journal a.gguf.backup is for another file"
expect_err_format
f32p apply b.gguf --backup a.gguf.backup --recipe basin-b
expect_status 5
expect_err "b.gguf: cannot apply: journal a.gguf.backup is for another file"
f32p apply b.gguf --backup a.gguf.backup --recipe l25l26
expect_status 5
expect_digest b.gguf "$pristine_b" "b.gguf after refusals"
expect_digest a.gguf.backup "$journal_a" "a's journal after refusals"
# the journal beside a file of another size
fixture c.gguf --seed 1 --blocks 30
cp a.gguf.backup c.gguf.backup
f32p status c.gguf
expect_status 13
expect_out "c.gguf: journal c.gguf.backup is for a file of "
f32p restore c.gguf --force
expect_status 5
expect_err "the sizes differ"
# a.gguf itself is fine
f32p status a.gguf
expect_status 10
expect_digest a.gguf "$patched_a" "a.gguf untouched"

# a modified file: patched, then one patched byte flipped behind f32patch's back
off=$("$F32PATCH" inspect a.gguf --json | jq -r '.layers[25].offset')
printf '\x11' | dd of=a.gguf bs=1 seek="$off" conv=notrunc status=none
modified=$(digest a.gguf)
f32p status a.gguf
expect_status 12
expect_out "a.gguf: 1 of 2 journal targets hold neither the original nor the patched bytes"
expect_out_re "blk\.25\.layer_output_scale\.weight +$off +x1\.5 +other"
expect_err "restore --force"
f32p status a.gguf --json
expect_status 12
expect_jq '.state' "modified since the journal"
expect_jq '[.targets[] | .state] | join(",")' "other,patched"
f32p restore a.gguf
expect_status 5
expect_err "f32patch: error: a.gguf: refusing to restore: tensor 'blk.25.layer_output_scale.weight' at byte $off holds neither the original nor the patched bytes"
expect_err "--force"
f32p apply a.gguf --recipe l25l26
expect_status 5
expect_err "a.gguf: cannot apply: 1 of 2 journal targets hold neither"
f32p apply a.gguf --recipe basin-b --stack
expect_status 5
f32p restore a.gguf --dry-run --force
expect_status 0
expect_digest a.gguf "$modified" "modified file after the refusals and a dry run"
expect_file a.gguf.backup
# --force writes the originals anyway, and says so on stderr
f32p restore a.gguf --force
expect_status 0
expect_out "a.gguf: restored 2 tensors from a.gguf.backup"
expect_out_re "^blk\.25\.layer_output_scale\.weight +$off +4 +other"
expect_err_re "^f32patch: warning: a.gguf: .*--force"
expect_digest a.gguf "$pristine_a" "restore --force of a modified file"
expect_no_file a.gguf.backup
f32p status a.gguf
expect_status 0

# a journal that is not a journal: status and restore refuse (5), apply will not overwrite it
fixture d.gguf
echo 'this is not a journal' > d.gguf.backup
f32p status d.gguf
expect_status 5
expect_err "d.gguf.backup: is not a valid f32patch journal"
f32p apply d.gguf --recipe l25l26
expect_status 5
check; grep -q 'this is not a journal' d.gguf.backup || fail "apply overwrote a file that is not its journal"
f32p restore d.gguf
expect_status 5

# several files: each on its own, the most severe state decides the exit status
fixture e.gguf --seed 3
f32p status e.gguf a.gguf
expect_status 0
cp e.gguf e2.gguf
f32p apply e2.gguf --recipe l25l26 -q
f32p status e.gguf e2.gguf
expect_status 10
f32p status e.gguf e2.gguf c.gguf
expect_status 13
check; [ "$(grep -c '^[a-z0-9]*\.gguf: ' out)" -eq 3 ] || fail "status of three files: expected three summaries"
f32p status e.gguf missing.gguf
expect_status 4
