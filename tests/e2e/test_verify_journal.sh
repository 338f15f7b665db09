# verify on a file with a backup journal: the notes say what the journal says, and claim that
# 'f32patch restore' brings the original back only when the targets' state explains the failure.
# After a 'restore --verify' that failed (something outside the patched tensors changed), every
# target holds its original bytes: the notes must say the difference lies outside the patched
# tensors and that restore cannot fix it, not that the journal was never applied.
source "$E2E_LIB"

run "$F32PATCH_FIXTURE" v.gguf --shape small
expect_status 0
original=$(digest v.gguf)
f32p apply v.gguf --recipe l25l26 --verify -q
expect_status 0
patched=$(digest v.gguf)

# patched, nothing else changed: the file is the patched content, so restore brings it back
f32p verify v.gguf --md5 "$original"
expect_status 1
expect_err "f32patch: note: v.gguf: patched: l25l26 (2 tensors) (journal v.gguf.backup)"
expect_err "the expected md5 is the original content's, as the journal records it; 'f32patch restore v.gguf' brings that back"

# patched, and a byte outside the targets changed: restore alone would not bring it back
offset=$(( $(stat -c %s v.gguf) - 3 ))
printf '\x5a' | dd of=v.gguf bs=1 seek="$offset" conv=notrunc status=none
f32p verify v.gguf --md5 "$original"
expect_status 1
expect_err "every target holds its patched bytes, but the file is not the patched content the journal records either"
check; grep -q "brings that back" err && fail "restore cannot bring the original back here"

# restore --verify fails and keeps the journal; the targets now hold their original bytes
f32p restore v.gguf --verify
expect_status 1
expect_file v.gguf.backup
f32p verify v.gguf --md5 "$original"
expect_status 1
expect_out "v.gguf: FAILED"
expect_err "f32patch: note: v.gguf: every target holds its original bytes; the journal v.gguf.backup was left behind"
expect_err "blk.25.layer_output_scale.weight at "
expect_err ": original"
expect_err "the expected md5 is the original content's, as the journal records it, and every target already holds its original bytes: the difference lies outside the patched tensors, and 'f32patch restore' cannot fix it"
expect_err "'f32patch verify --manifest MANIFEST v.gguf' names the tensors that differ"
expect_err_format
check; grep -q "brings that back" err && fail "restore cannot fix a difference outside the targets"
check; grep -q "never applied" err && fail "the journal was applied and restored, not never applied"
# the same through a check file, and --quiet keeps the explanation but not the state notes
md5sum v.gguf | sed "s/^[0-9a-f]*/$original/" > v.md5
f32p verify -c v.md5 --quiet
expect_status 1
expect_out "v.gguf: FAILED"
expect_err "restore' cannot fix it"
check; grep -q "every target holds its original bytes; the journal" err && fail "--quiet drops the state notes"
f32p verify -c v.md5 --status
expect_status 1
expect_no_out
expect_no_err
