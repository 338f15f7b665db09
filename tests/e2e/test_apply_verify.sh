# apply --verify: one read gives the digests of the original and of the patched content, equal
# to md5sum/sha256sum of the file before and after; the journal keeps them; --expect-* gates
# abort before any write; restore --verify proves the round trip and removes the journal only
# then.
source "$E2E_LIB"
need_cmd md5sum sha256sum jq

run "$F32PATCH_FIXTURE" m.gguf --shape small
expect_status 0
md5_before=$(md5sum m.gguf | cut -d' ' -f1)
sha_before=$(sha256sum m.gguf | cut -d' ' -f1)

# a dry run predicts both digests and writes nothing
f32p apply m.gguf --recipe l25l26 --verify --dry-run --json
expect_status 0
expect_jq '.digests.original.md5' "$md5_before"
predicted_md5=$(jq -r '.digests.patched.md5' out)
predicted_sha=$(jq -r '.digests.patched.sha256' out)
expect_eq "$(digest m.gguf)" "$md5_before" "md5 after a dry run"
expect_no_file m.gguf.backup

f32p apply m.gguf --recipe l25l26 --verify
expect_status 0
expect_out "original md5      $md5_before"
expect_out "original sha256   $sha_before"
md5_after=$(md5sum m.gguf | cut -d' ' -f1)
sha_after=$(sha256sum m.gguf | cut -d' ' -f1)
expect_out "patched  md5      $md5_after"
expect_out "patched  sha256   $sha_after"
expect_eq "$md5_after" "$predicted_md5" "the dry run's predicted md5"
expect_eq "$sha_after" "$predicted_sha" "the dry run's predicted sha256"
check; [ "$md5_after" != "$md5_before" ] || fail "the patch changed nothing"
expect_eq "$(jq -r '.digests.original.md5' m.gguf.backup)" "$md5_before" "journal's original md5"
expect_eq "$(jq -r '.digests.patched.sha256' m.gguf.backup)" "$sha_after" "journal's patched sha256"

# replacing a recipe: "original" is still the pristine file's digest (a second read)
f32p apply m.gguf --recipe basin-b --verify --algo md5,xxh128 --json
expect_status 0
expect_jq '.digests.original.md5' "$md5_before"
expect_jq '.digests.patched.md5' "$(digest m.gguf)"
if command -v xxhsum >/dev/null; then
  expect_eq "$(jq -r '.digests.patched.xxh128' out)" "$(xxhsum -H2 m.gguf | cut -d' ' -f1)" "patched xxh128 vs xxhsum -H2"
fi

# restore --verify proves the round trip against the journal's digests
f32p restore m.gguf --verify
expect_status 0
expect_out "verified md5      $md5_before  (equals the original)"
expect_out "journal m.gguf.backup removed"
expect_no_file m.gguf.backup
expect_eq "$(digest m.gguf)" "$md5_before" "md5 after restore --verify"

# gates: a wrong expectation aborts before any write, exit 1, file and journal untouched
f32p apply m.gguf --recipe l25l26 --expect-md5 0123456789abcdef0123456789abcdef
expect_status 1
expect_err "m.gguf: the original content's md5 is $md5_before, expected 0123456789abcdef0123456789abcdef; nothing was written"
expect_eq "$(digest m.gguf)" "$md5_before" "md5 after a failed gate"
expect_no_file m.gguf.backup
f32p apply m.gguf --recipe l25l26 --expect-result-md5 0123456789abcdef0123456789abcdef
expect_status 1
expect_err "the patched content's md5 is $md5_after"
expect_no_file m.gguf.backup
# the right expectations let it through (upper-case hex is accepted)
f32p apply m.gguf --recipe l25l26 --expect-md5 "${md5_before^^}" --expect-result-sha256 "$sha_after" -q
expect_status 0
expect_no_out
expect_eq "$(digest m.gguf)" "$md5_after" "md5 after gated apply"
f32p apply m.gguf --recipe l25l26 --expect-sha256 xyz
expect_status 2

# restore --verify notices a file that changed elsewhere since apply (outside the targets)
printf '\x5a' | dd of=m.gguf bs=1 seek=100000 conv=notrunc status=none
f32p restore m.gguf --verify
expect_status 1
expect_err "the journal recorded $md5_before for the original; the journal m.gguf.backup is kept"
expect_file m.gguf.backup

# verify on a patched file reports what its journal says of each target, and says when the
# expected digest is the original content's
run "$F32PATCH_FIXTURE" v.gguf --shape small
expect_status 0
v_before=$(digest v.gguf)
f32p apply v.gguf --recipe l25l26 --verify -q
expect_status 0
f32p verify v.gguf --md5 "$v_before"
expect_status 1
expect_out "v.gguf: FAILED"
expect_err "f32patch: note: v.gguf: patched: l25l26 (2 tensors) (journal v.gguf.backup)"
expect_err "blk.25.layer_output_scale.weight at "
expect_err ": patched"
expect_err "the expected md5 is the original content's, as the journal records it; 'f32patch restore v.gguf' brings that back"
expect_err_format
v_after=$(digest v.gguf)
md5sum v.gguf > v.md5
f32p verify -c v.md5
expect_status 0
expect_out "v.gguf: OK"
check; grep -q "the expected md5" err && fail "a matching digest needs no explanation"
expect_err "patched: l25l26 (2 tensors)"
f32p verify v.gguf --md5 "$v_after" --quiet
expect_status 0
expect_no_out
expect_no_err

# restore --verify with nothing to compare with (apply ran without --verify): refused before a
# byte is written, the journal kept
run "$F32PATCH_FIXTURE" n.gguf --shape small
n_before=$(digest n.gguf)
f32p apply n.gguf --recipe l25l26 -q
n_patched=$(digest n.gguf)
f32p restore n.gguf --verify
expect_status 2
expect_err "f32patch: error: n.gguf: restore --verify has nothing to prove the result against: the journal n.gguf.backup records no digests"
expect_eq "$(digest n.gguf)" "$n_patched" "file after a refused restore --verify"
expect_file n.gguf.backup
f32p restore n.gguf -q
expect_status 0
expect_eq "$(digest n.gguf)" "$n_before" "file after the plain restore"

# a full copy damaged since apply --verify: restore makes the model equal the copy, but
# --verify compares with the digests the journal recorded, fails and keeps the journal
run "$F32PATCH_FIXTURE" k.gguf --shape small
k_before=$(digest k.gguf)
f32p apply k.gguf --recipe l25l26 --backup-mode full --verify -q
expect_status 0
expect_file k.gguf.backup.journal
size=$(stat -c %s k.gguf.backup)
printf '\x5a' | dd of=k.gguf.backup bs=1 seek=$((size - 40)) conv=notrunc status=none
f32p restore k.gguf --verify
expect_status 1
expect_err "k.gguf: after the restore its md5 is "
expect_err "but the journal recorded $k_before for the original"
expect_err "lie outside the tensors f32patch patched"
expect_file k.gguf.backup.journal
