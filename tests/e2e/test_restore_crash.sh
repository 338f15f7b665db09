# A kill -9 at every step of restore: `status` names the state, a second restore finishes the
# job, the file is pristine and the journal gone. Also for a full-copy backup.
source "$E2E_LIB"

fixture pristine.gguf
pristine=$(digest pristine.gguf)

# point:status after the kill (l25l26 has two targets: one written back leaves it partial)
for spec in restore.target_written:11 restore.synced:0 restore.journal_removed:0; do
  point=${spec%%:*}
  for recipe in l25l26 basin-b; do
    name=$point-$recipe
    cp pristine.gguf "$name.gguf"
    f32p apply "$name.gguf" --recipe "$recipe" -q
    expect_status 0
    f32p_killed_at "$point" restore "$name.gguf"
    check; [ "$STATUS" -eq 137 ] || fail "$name: restore with failpoint $point: expected 137, got $STATUS"
    f32p status "$name.gguf"
    expect_status "${spec#*:}"
    if [ "$point" = restore.journal_removed ]; then
      expect_no_file "$name.gguf.backup"
      expect_digest "$name.gguf" "$pristine" "$name: file after a kill once the journal is removed"
    else
      expect_file "$name.gguf.backup"
    fi
    f32p restore "$name.gguf"
    expect_status 0
    expect_err_format
    expect_digest "$name.gguf" "$pristine" "$name: second restore"
    expect_no_file "$name.gguf.backup"
    f32p status "$name.gguf"
    expect_status 0
  done
done

# an interrupted restore can also be followed by a new apply (it re-bases on the journal)
cp pristine.gguf again.gguf
f32p apply again.gguf --recipe basin-b -q
f32p_killed_at restore.target_written restore again.gguf
f32p status again.gguf
expect_status 11
f32p apply again.gguf --recipe l25l26
expect_status 0
expect_out "replacing basin-b"
cp pristine.gguf ref.gguf
f32p apply ref.gguf --recipe l25l26 -q
expect_digest again.gguf "$(digest ref.gguf)" "l25l26 after an interrupted restore of basin-b"
f32p restore again.gguf -q
expect_status 0
expect_digest again.gguf "$pristine" "restore after that"

# a full-copy backup: a kill after the first range is written back, then restore again
cp pristine.gguf full.gguf
cp pristine.gguf full.gguf.backup
f32p apply ref.gguf --recipe basin-b -q
cp ref.gguf full.gguf   # as if the script had patched it: 11 ranges differ from the copy
f32p_killed_at restore.target_written restore full.gguf
check; [ "$STATUS" -eq 137 ] || fail "full copy: restore with failpoint: expected 137, got $STATUS"
f32p status full.gguf
expect_status 10
expect_out "10 F32 tensors differ from the full copy"
f32p restore full.gguf
expect_status 0
expect_out "restored 10 byte ranges"
expect_digest full.gguf "$pristine" "full-copy restore after a kill"
expect_file full.gguf.backup
