# `recipes` lists the built-ins (text and JSON); `recipes --show NAME` writes a recipe file that
# applies exactly like the built-in; malformed recipe files are usage errors naming the file and
# the line, and leave the model untouched.
source "$E2E_LIB"

f32p recipes
expect_status 0
expect_no_err
expect_out_re "^l25l26 +Gemma 4 31B: layers 25 and 26 x1.5"
expect_out "layers 25=1.5,26=1.5 of blk.N.layer_output_scale.weight"
expect_out_re "^basin-b +Gemma 4 31B: basin B"
expect_out "layers 5=1.44,18=0.767,19=1.016,20=0.814,21=1.413,25=1.402,26=1.289,27=1.326,28=1.431,30=0.548,31=1.267 of blk.N.layer_output_scale.weight"

f32p recipes --json
expect_status 0
expect_jq 'length' 2
expect_jq 'map(.name) | join(",")' "l25l26,basin-b"
expect_jq '.[0] | keys_unsorted | join(",")' "name,description,tensor,architecture,block_count,multipliers"
expect_jq '.[0].multipliers | to_entries | map("\(.key)=\(.value)") | join(",")' "25=1.5,26=1.5"
expect_jq '.[1].multipliers | length' 11
expect_jq '.[1].multipliers["30"]' 0.548
expect_jq '.[] | select(.name == "basin-b") | "\(.tensor) \(.architecture) \(.block_count)"' "layer_output_scale.weight gemma4 60"

f32p recipes --show no-such
expect_status 2
expect_err "f32patch: error: no built-in recipe 'no-such'"

fixture pristine.gguf
orig=$(digest pristine.gguf)

# --show writes a file that applies exactly like the built-in
for name in l25l26 basin-b; do
  "$F32PATCH" recipes --show "$name" > "$name.toml"
  check; [ -s "$name.toml" ] || fail "recipes --show $name printed nothing"
  cp pristine.gguf "builtin-$name.gguf"
  cp pristine.gguf "file-$name.gguf"
  f32p apply "builtin-$name.gguf" --recipe "$name" -q
  expect_status 0
  f32p apply "file-$name.gguf" --recipe "$name.toml"
  expect_status 0
  expect_out "file-$name.gguf: applied $name ($name.toml)"
  expect_digest "file-$name.gguf" "$(digest "builtin-$name.gguf")" "--recipe $name.toml equals --recipe $name"
  # same multipliers, so the built-in is already applied
  f32p apply "file-$name.gguf" --recipe "$name"
  expect_status 0
  expect_out "nothing to do"
done

# an edited copy of a shown recipe: ranges, integers, another tensor
sed -e 's/^name = .*/name = "mine"/' -e '/^\[multipliers\]/q' l25l26.toml > mine.toml
printf '"18-20" = 2\n25 = 0.5\n' >> mine.toml
cp pristine.gguf mine.gguf
f32p apply mine.gguf --recipe mine.toml
expect_status 0
expect_out "mine.gguf: applied mine (mine.toml)"
rows=$(grep -cE '^ +[0-9]+  blk\.' out)
expect_eq "$rows" 4 "rows of a recipe with a range"
cp pristine.gguf mine-cli.gguf
f32p apply mine-cli.gguf --set 18-20=2,25=0.5 -q
expect_status 0
expect_digest mine.gguf "$(digest mine-cli.gguf)" "recipe file with a range equals --set"

# malformed recipe files: exit 2, the file named (with line and column for syntax errors)
bad() {
  local file=$1 want=$2
  cp pristine.gguf m.gguf
  f32p apply m.gguf --recipe "$file"
  expect_status 2
  expect_err "f32patch: error: $file: "
  expect_err "$want"
  expect_err_format
  expect_no_out
  expect_digest m.gguf "$orig" "model after malformed recipe $file"
  expect_no_file m.gguf.backup
}
printf 'name = "x"\n\n[multipliers\n25 = 1.5\n' > syntax.toml
bad syntax.toml "(line 3, column "
printf 'name = "x"\n[multipliers]\n25 = 1.5\n26 = \n' > novalue.toml
bad novalue.toml "(line 4, column "
printf 'name = "x"\ncolour = "red"\n[multipliers]\n25 = 1.5\n' > unknown.toml
bad unknown.toml "unknown recipe key 'colour'"
printf '[multipliers]\n25 = 1.5\n' > noname.toml
bad noname.toml "recipe has no 'name'"
printf 'name = "x"\n' > nomult.toml
bad nomult.toml "recipe has no [multipliers] table"
printf 'name = "x"\n[multipliers]\n' > empty.toml
bad empty.toml "names no layers"
printf 'name = "x"\n[multipliers]\n25 = "1.5"\n' > string.toml
bad string.toml "multiplier of layer 25 is not a finite number (line 3)"
printf 'name = "x"\n[multipliers]\n25 = inf\n' > inf.toml
bad inf.toml "multiplier of layer 25 is not a finite number"
printf 'name = "x"\n[multipliers]\n25 = 1.5\n"24-26" = 2\n' > twice.toml
bad twice.toml "layer 25 is given twice"
printf 'name = "x"\n[multipliers]\nabc = 1.5\n' > notlayer.toml
bad notlayer.toml "'abc' is not a layer number (line 3)"
printf 'name = "x"\nblock_count = -1\n[multipliers]\n25 = 1.5\n' > blocks.toml
bad blocks.toml "'block_count' must be a positive integer"
printf '\x00\x01\x02binary' > binary.toml
bad binary.toml "not a valid recipe"
# a directory, or an unreadable path, is not a recipe either
mkdir adir.toml
cp pristine.gguf m.gguf
f32p apply m.gguf --recipe adir.toml
expect_status 2
expect_err "adir.toml"
expect_digest m.gguf "$orig" "model after a directory as recipe"
