# --output writes a patched copy and leaves the input alone; --dry-run changes nothing; --json
# has the documented fields; -q prints nothing on success; several files are each handled on
# their own, and the exit status is the most severe.
source "$E2E_LIB"

fixture m.gguf
orig=$(digest m.gguf)
cp m.gguf ref.gguf
f32p apply ref.gguf --recipe l25l26 -q
ref=$(digest ref.gguf)

# --output
f32p apply m.gguf --recipe l25l26 --output out.gguf
expect_status 0
expect_no_err
expect_out "out.gguf (copy of m.gguf): applied l25l26 (built-in)"
expect_out "backup: out.gguf.backup ("
expect_digest m.gguf "$orig" "input after --output"
expect_no_file m.gguf.backup
expect_digest out.gguf "$ref" "the --output copy"
f32p status out.gguf
expect_status 10
expect_out "out.gguf: patched: l25l26 (2 tensors)"
f32p status m.gguf
expect_status 0
f32p restore out.gguf -q
expect_status 0
expect_digest out.gguf "$orig" "the --output copy after restore"
# an existing output is refused, then replaced with --force
cp m.gguf taken.gguf
f32p apply m.gguf --recipe l25l26 --output taken.gguf
expect_status 5
expect_err "f32patch: error: taken.gguf: already exists; f32patch will not overwrite it"
expect_err "--force"
expect_digest taken.gguf "$orig" "existing output after a refusal"
expect_no_file taken.gguf.backup
f32p apply m.gguf --recipe l25l26 --output taken.gguf --force
expect_status 0
expect_digest taken.gguf "$ref" "existing output replaced with --force"
# the usual case: the output of an earlier run, with its journal, replaced with --force
f32p apply m.gguf --recipe basin-b --output taken.gguf
expect_status 5
expect_err "taken.gguf: already exists"
f32p apply m.gguf --recipe basin-b --output taken.gguf --force
expect_status 0
f32p status taken.gguf
expect_status 10
expect_out "patched: basin-b"
# --output of a patched input: the copy carries the input's bytes, and its own journal
cp ref.gguf p.gguf
cp ref.gguf.backup p.gguf.backup
f32p apply p.gguf --recipe basin-b --output p-basin.gguf -q
expect_status 0
expect_digest p.gguf "$ref" "patched input after --output"
f32p status p-basin.gguf --json
expect_status 10
expect_jq '.recipes | join(",")' basin-b
# the output cannot be combined with several inputs
f32p apply m.gguf ref.gguf --recipe l25l26 --output x.gguf
expect_status 2
expect_no_file x.gguf

# --dry-run: the plan, and nothing else
f32p apply m.gguf --recipe basin-b --dry-run
expect_status 0
expect_out "m.gguf: would apply basin-b (built-in)"
expect_out "dry run: nothing was written"
expect_out_re "^ *layer +tensor +offset +old +x +new +old bits +new bits"
rows=$(grep -cE '^ +[0-9]+  blk\.[0-9]+\.layer_output_scale\.weight ' out)
expect_eq "$rows" 11 "plan rows of basin-b"
expect_out_re "^ +30  blk\.30\.layer_output_scale\.weight +[0-9]+  [0-9.e-]+ +0\.548  [0-9.e-]+ +0x[0-9a-f]{8}  0x[0-9a-f]{8}"
expect_digest m.gguf "$orig" "model after --dry-run"
expect_no_file m.gguf.backup
f32p apply m.gguf --recipe basin-b -n --output dry.gguf
expect_status 0
expect_no_file dry.gguf
expect_no_file dry.gguf.backup
# a dry run of a replace shows the undo rows, and still writes nothing
cp ref.gguf d.gguf
cp ref.gguf.backup d.gguf.backup
journal=$(digest d.gguf.backup)
f32p apply d.gguf --recipe basin-b --dry-run
expect_status 0
expect_out "would apply basin-b (built-in), replacing l25l26"
expect_digest d.gguf "$ref" "patched model after a dry-run replace"
expect_digest d.gguf.backup "$journal" "journal after a dry-run replace"
f32p restore d.gguf --dry-run
expect_status 0
expect_out "would restore 2 tensors"
expect_digest d.gguf "$ref" "patched model after restore --dry-run"
expect_file d.gguf.backup

# --json: one document with the documented fields
f32p apply m.gguf --recipe basin-b --dry-run --json
expect_status 0
expect_jq '.action' dry-run
expect_jq '.plan' apply
expect_jq '.wrote' false
expect_jq '.backup' null
expect_jq '.targets | length' 11
f32p apply m.gguf --recipe l25l26 --json
expect_status 0
expect_jq 'keys_unsorted | join(",")' "file,source,action,plan,recipe,replaced,wrote,backup,backup_bytes,full_copy_written,targets,digests"
expect_jq '.file' m.gguf
expect_jq '.action' apply
expect_jq '.recipe.name' l25l26
expect_jq '.recipe.origin' built-in
expect_jq '.recipe.tensor' layer_output_scale.weight
expect_jq '.recipe.multipliers["25"]' 1.5
expect_jq '.replaced' null
expect_jq '.wrote' true
expect_jq '.backup' m.gguf.backup
expect_jq '.backup_bytes' "$(stat -c %s m.gguf.backup)"
expect_jq '.full_copy_written' false
expect_jq '.targets[0] | keys_unsorted | join(",")' \
  "layer,tensor,offset,elements,in_recipe,multiplier,total_multiplier,original_value,old_value,new_value,original_bits,old_bits,new_bits"
expect_jq '.targets[0] | "\(.layer) \(.tensor) \(.elements) \(.in_recipe) \(.multiplier)"' \
  "25 blk.25.layer_output_scale.weight 1 true 1.5"
expect_jq '.targets[0].new_bits' "$(layer_bits m.gguf 25)"
expect_jq '.targets[1].offset' "$("$F32PATCH" inspect m.gguf --json | jq -r '.layers[26].offset')"
f32p restore m.gguf --json
expect_status 0
expect_jq 'keys_unsorted | join(",")' "file,backup,backup_kind,dry_run,nothing_to_do,written,compared_bytes,journal_removed,note,verified"
expect_jq '.backup_kind' journal
expect_jq '.written | map(.what) | join(",")' "blk.25.layer_output_scale.weight,blk.26.layer_output_scale.weight"
expect_jq '.written[0].was' patched
expect_jq '.journal_removed' true
f32p status m.gguf --json
expect_status 0
expect_jq 'keys_unsorted | join(",")' "file,state,exit_status,summary,hint,backup,backup_kind,recipes,targets,differing_tensors"
expect_jq '.state' pristine
expect_jq '.backup_kind' none
expect_digest m.gguf "$orig" "model after the JSON round trip"

# -q: nothing on stdout or stderr when all is well; errors still reported
f32p apply m.gguf --recipe l25l26 -q
expect_status 0
expect_no_out
expect_no_err
f32p apply m.gguf --recipe l25l26 -q
expect_status 0
expect_no_out
expect_no_err
f32p status m.gguf -q
expect_status 10
expect_no_out
f32p restore m.gguf -q
expect_status 0
expect_no_out
expect_no_err
f32p apply m.gguf --layers 99 --scale 2 -q
expect_status 2
expect_no_out
expect_err "layer 99 is beyond"

# several files: a and c patched, the broken one reported, exit status of the worst (3)
cp m.gguf a.gguf
cp m.gguf c.gguf
printf 'not a model\n' > bad.gguf
f32p apply a.gguf bad.gguf c.gguf --recipe l25l26
expect_status 3
expect_out "a.gguf: applied l25l26"
expect_out "c.gguf: applied l25l26"
expect_err "f32patch: error: bad.gguf: bad magic"
expect_err_format
expect_digest a.gguf "$ref" "a.gguf of three"
expect_digest c.gguf "$ref" "c.gguf of three"
expect_no_file bad.gguf.backup
# a missing file (I/O, 4) in the middle: the files after it are still patched
cp m.gguf e.gguf
f32p apply a.gguf missing.gguf e.gguf --recipe l25l26 -q
expect_status 4
expect_digest e.gguf "$ref" "e.gguf after a missing file before it"
f32p status a.gguf bad.gguf c.gguf
expect_status 3
f32p restore a.gguf bad.gguf c.gguf -q
expect_status 3
expect_digest a.gguf "$orig" "a.gguf after restore of three"
expect_digest c.gguf "$orig" "c.gguf after restore of three"
