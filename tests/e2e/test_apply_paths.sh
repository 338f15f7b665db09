# Which file is which: --output and --backup never land on the model, its journal or each
# other; links (hard and symbolic) never make one file two files with two journals; a journal
# whose offsets do not fit the file is never written by; a refused or interrupted --output or
# full backup leaves no copy behind.
source "$E2E_LIB"

fixture m.gguf
orig=$(digest m.gguf)
cp m.gguf ref.gguf
f32p apply ref.gguf --recipe l25l26 -q
ref=$(digest ref.gguf)

# --- --output onto the input, or onto its journal, even with --force
f32p apply m.gguf --recipe l25l26 --output m.gguf --force
expect_status 2
expect_err "f32patch: error: m.gguf: --output is the input model (m.gguf)"
expect_digest m.gguf "$orig" "input after --output onto itself"
ln -s m.gguf alias.gguf
f32p apply m.gguf --recipe l25l26 --output alias.gguf --force
expect_status 2
expect_err "--output is the input model"
expect_digest m.gguf "$orig" "input after --output onto a symlink to it"
cp m.gguf p.gguf
f32p apply p.gguf --recipe l25l26 -q
journal=$(digest p.gguf.backup)
f32p apply p.gguf --recipe basin-b --output p.gguf.backup --force
expect_status 2
expect_err "--output is the input's backup (p.gguf.backup)"
expect_digest p.gguf.backup "$journal" "the input's journal after --output onto it"
f32p apply p.gguf --recipe basin-b --output q.gguf --backup p.gguf.backup
expect_status 2
expect_err "the output's backup is the input's backup"
expect_no_file q.gguf
expect_digest p.gguf.backup "$journal" "the input's journal after --backup onto it"

# --- --backup naming the model itself
f32p apply m.gguf --recipe l25l26 --backup m.gguf
expect_status 2
expect_err "the backup path is the model itself"
expect_digest m.gguf "$orig" "model after --backup onto itself"
expect_no_file m.gguf.journal

# --- --output from a patched input: the copy gets the recipe once, never on top
f32p apply p.gguf --recipe l25l26 --output same.gguf
expect_status 0
expect_out "same.gguf (copy of p.gguf): l25l26 (built-in) is already applied to the input; the copy carries it"
expect_digest same.gguf "$ref" "copy of an input already patched with the same recipe"
f32p status same.gguf
expect_status 10
f32p restore same.gguf -q
expect_digest same.gguf "$orig" "restored copy of a patched input"
f32p apply p.gguf --recipe basin-b --output basin.gguf -q
cp m.gguf basin-ref.gguf
f32p apply basin-ref.gguf --recipe basin-b -q
expect_digest basin.gguf "$(digest basin-ref.gguf)" "basin-b copy of an l25l26 input (re-based, not stacked)"
f32p restore basin.gguf -q
expect_digest basin.gguf "$orig" "restored basin-b copy of an l25l26 input"
expect_digest p.gguf "$ref" "input of the copies"

# --- a refused --output leaves nothing behind
fixture small32.gguf --blocks 20
f32p apply small32.gguf --recipe l25l26 --output out32.gguf
expect_status 2
expect_err "f32patch: error: small32.gguf: recipe 'l25l26' is for models of 60 blocks, this file has 20"
expect_no_file out32.gguf
expect_no_file out32.gguf.backup
check; [ -z "$(temp_journals .)" ] || fail "temporaries left: $(temp_journals .)"

# --- Ctrl-C and kill -9 while the copy is made
for signal in INT TERM; do
  LAST_CMD="F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=$signal apply --output"
  { F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=$signal "$F32PATCH" apply m.gguf --recipe l25l26 \
      --output sig.gguf; } >out 2>err </dev/null
  STATUS=$?
  expect_status_in 130 143
  expect_no_file sig.gguf
  expect_no_file sig.gguf.backup
  check; [ -z "$(temp_journals .)" ] || fail "SIG$signal left temporaries: $(temp_journals .)"
done
cp m.gguf full.gguf
LAST_CMD="F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=INT apply --backup-mode full"
{ F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=INT "$F32PATCH" apply full.gguf --recipe l25l26 \
    --backup-mode full; } >out 2>err </dev/null
STATUS=$?
expect_status 130
expect_digest full.gguf "$orig" "model after Ctrl-C during its full backup"
expect_no_file full.gguf.backup
check; [ -z "$(temp_journals .)" ] || fail "Ctrl-C during the full backup left: $(temp_journals .)"
f32p_killed_at copy.written apply full.gguf --recipe l25l26 --backup-mode full
expect_digest full.gguf "$orig" "model after kill -9 during its full backup"
expect_no_file full.gguf.backup
f32p status full.gguf
expect_status 0
f32p apply full.gguf --recipe l25l26 --backup-mode full
expect_status 0
expect_out "full copy written beside it"
f32p restore full.gguf -q
expect_digest full.gguf "$orig" "model restored from its full backup"

# --- hard links and symlinks: one file, one journal
cp m.gguf h.gguf
ln h.gguf h2.gguf
f32p apply h.gguf h2.gguf --recipe l25l26
expect_status 0
expect_err "f32patch: warning: h2.gguf: is the same file as h.gguf (given twice, or a link to it); skipped, it is handled once"
expect_err "f32patch: warning: h.gguf: has 2 hard links"
expect_digest h.gguf "$ref" "hard-linked file patched once"
expect_no_file h2.gguf.backup
cp m.gguf real.gguf
ln -s real.gguf link.gguf
f32p apply link.gguf --recipe l25l26 -q
expect_status 0
expect_file real.gguf.backup
expect_no_file link.gguf.backup
f32p apply real.gguf --recipe l25l26
expect_status 0
expect_out "is already applied; nothing to do"
expect_digest real.gguf "$ref" "patched through a symlink, then through the real name"
f32p status link.gguf
expect_status 10
f32p restore link.gguf -q
expect_digest real.gguf "$orig" "restored through the symlink"
expect_no_file real.gguf.backup

# --- a journal whose offsets do not fit the file is never written by, even with --force
cp m.gguf j.gguf
f32p apply j.gguf --recipe l25l26 -q
patched=$(digest j.gguf)
jq '.targets[0].offset = 0 | .targets[0].original = "00000000" | .targets[0].patched = "47475546"
    | .targets[0].bytes = 4' j.gguf.backup > forged && mv forged j.gguf.backup
f32p status j.gguf
expect_status 13
expect_out "does not fit this file: target 'blk.25.layer_output_scale.weight' is recorded at byte 0"
for force in "" --force; do
  f32p restore j.gguf $force
  expect_status 5
  expect_err "refusing to restore: journal j.gguf.backup does not fit this file"
  expect_digest j.gguf "$patched" "file after restore by a forged journal $force"
done
f32p apply j.gguf --recipe basin-b
expect_status 5
expect_digest j.gguf "$patched" "file after apply over a forged journal"

# --- restore --backup naming the journal of an identical copy keeps that journal
cp m.gguf a.gguf
cp m.gguf b.gguf
f32p apply a.gguf --recipe l25l26 -q
f32p restore b.gguf --backup a.gguf.backup
expect_status 0
expect_err "f32patch: warning: b.gguf: journal a.gguf.backup was written for"
expect_file a.gguf.backup
f32p status a.gguf
expect_status 10

# --- restore refuses before writing when the journal cannot be removed afterwards
mkdir ro
cp m.gguf ro/r.gguf
f32p apply ro/r.gguf --recipe l25l26 -q
rpatched=$(digest ro/r.gguf)
chmod 555 ro
f32p restore ro/r.gguf
expect_status 4
expect_err "ro: directory is read-only"
expect_digest ro/r.gguf "$rpatched" "model in a read-only directory after restore"
chmod 755 ro

# --- content-addressed stores, old Ollama naming included
mkdir -p store
cp m.gguf "store/sha256:$(printf '%064d' 7)"
f32p apply "store/sha256:$(printf '%064d' 7)" --recipe l25l26
expect_status 5
expect_err "a content-addressed Ollama blob"

# --- a backup beside a symlink (the published script copies beside the name it was given) is
# refused until it sits beside the file, where every name of the file finds it
mkdir real
cp m.gguf real/s.gguf
ln -s real/s.gguf L.gguf
cp m.gguf L.gguf.backup
f32p apply L.gguf --recipe l25l26
expect_status 5
expect_err "L.gguf: is a symlink to "
expect_err "its backup L.gguf.backup is beside the link"
expect_digest real/s.gguf "$orig" "model behind a symlink with a backup beside the link"
mv L.gguf.backup real/s.gguf.backup
f32p apply L.gguf --recipe l25l26 -q
expect_status 0
f32p status real/s.gguf
expect_status 10
f32p restore real/s.gguf -q
expect_digest real/s.gguf "$orig" "restored through the real name after apply through the link"

# --- --output never writes through a symlink
cp m.gguf other.gguf
f32p apply other.gguf --recipe basin-b -q
other_journal=$(digest other.gguf.backup)
ln -s other.gguf outlink.gguf
f32p apply m.gguf --recipe l25l26 --output outlink.gguf --force
expect_status 2
expect_err "--output is a symlink"
expect_digest other.gguf.backup "$other_journal" "another model's journal, behind a symlinked --output"

# --- --output --force keeps the old output until the new one is complete; a kill leaves a
# hidden copy that the next --output removes
f32p apply m.gguf --recipe basin-b --output keep.gguf -q
keep=$(digest keep.gguf)
LAST_CMD="F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=INT apply --output keep.gguf --force"
{ F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=INT "$F32PATCH" apply m.gguf --recipe l25l26 \
    --output keep.gguf --force; } >out 2>err </dev/null
STATUS=$?
expect_status 130
expect_digest keep.gguf "$keep" "old output after Ctrl-C during its --force replacement"
f32p status keep.gguf
expect_status 10
expect_out "basin-b"
f32p_killed_at copy.written apply m.gguf --recipe l25l26 --output killed.gguf
check; [ -n "$(temp_journals .)" ] || fail "kill -9 during the copy should leave its hidden copy"
f32p apply m.gguf --recipe l25l26 --output killed.gguf -q
expect_status 0
check; [ -z "$(temp_journals .)" ] || fail "the next --output should remove the killed copy: $(temp_journals .)"
expect_digest killed.gguf "$ref" "output after an earlier killed attempt"

# --- an ignored signal stays ignored while a copy is made (nohup, background jobs)
LAST_CMD="trap '' HUP; F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=HUP apply --output"
(trap '' HUP; F32PATCH_FAILPOINT=copy.written F32PATCH_FAILPOINT_SIGNAL=HUP "$F32PATCH" apply m.gguf --recipe l25l26 \
    --output nohup.gguf) >out 2>err </dev/null
STATUS=$?
expect_status 0
expect_digest nohup.gguf "$ref" "output made with SIGHUP ignored"

# --- the input's journal somewhere else: --input-backup; and --backup-mode full has no place
cp m.gguf elsewhere.gguf
f32p apply elsewhere.gguf --recipe l25l26 --backup my.journal -q
f32p apply elsewhere.gguf --recipe l25l26 --output e-out.gguf --input-backup my.journal -q
expect_status 0
expect_digest e-out.gguf "$ref" "copy of an input whose journal is named with --input-backup"
f32p restore e-out.gguf -q
expect_digest e-out.gguf "$orig" "restored copy of an input with a journal elsewhere"
f32p apply m.gguf --recipe l25l26 --output full-out.gguf --backup-mode full
expect_status 2
expect_err "--backup-mode full does not go with --output"
expect_no_file full-out.gguf
f32p apply m.gguf --recipe l25l26 --input-backup my.journal
expect_status 2

# --- a model copied or moved with its journal is restored, and the journal removed, even though
# the journal names the first place
mkdir -p first
cp m.gguf first/c.gguf
f32p apply first/c.gguf --recipe l25l26 -q
cp -a first second
f32p restore second/c.gguf
expect_status 0
expect_no_err
expect_no_file second/c.gguf.backup
expect_digest second/c.gguf "$orig" "copied model restored by its copied journal"
f32p status first/c.gguf
expect_status 10
