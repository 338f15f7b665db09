# inspect on hostile and odd files: strings with control characters and invalid UTF-8 never
# reach the terminal raw, human output is valid UTF-8 with columns aligned by characters, JSON
# stays exact and parseable; a FIFO is refused at once; huge layer numbers and block counts do
# not flood the layer table; zero-element tensors, odd attention patterns and split keys are
# reported truthfully; impossible counts are blamed on the header; --full and --tensor ''.
source "$E2E_LIB"
need_cmd perl jq timeout mkfifo

GGUF_WRITER="$(cd "$(dirname "$E2E_LIB")/../support" && pwd)/write_gguf.pl"
export GGUF_WRITER
# gguf PERL: runs PERL with write_gguf() (tests/support/write_gguf.pl) loaded.
gguf() {
  perl -e 'require $ENV{GGUF_WRITER}; '"$1" 2>writer.err || {
    fail "cannot write a GGUF file: $(cat writer.err)"
    exit 1
  }
}
# ./out and ./err are valid UTF-8 and hold no control character but newline (C1 included).
expect_terminal_safe() {
  check
  local why
  why=$(perl -MEncode -e '
    for my $f (@ARGV) {
      open(my $h, "<:raw", $f) or die "$f: $!";
      local $/; my $s = <$h> // ""; my $copy = $s;
      my $text = eval { decode("UTF-8", $copy, Encode::FB_CROAK) };
      if (!defined $text) { print "$f is not valid UTF-8"; exit 1 }
      if ($text =~ /([\x00-\x09\x0b-\x1f\x7f-\x9f])/) { printf "%s has a raw control character 0x%02x", $f, ord $1; exit 1 }
    }' out err) || fail "$why"
}
# expect_line_count FILE N: FILE has exactly N lines
expect_line_count() { check; local n; n=$(wc -l <"$1"); [ "$n" -eq "$2" ] || fail "$1 has $n lines, expected $2"; }

# --- a FIFO is refused at once (open() would block until a writer came), like /dev/null ---
mkfifo pipe.gguf
LAST_CMD="timeout 10 f32patch inspect pipe.gguf"
timeout 10 "$F32PATCH" inspect pipe.gguf >out 2>err </dev/null
STATUS=$?
expect_status 3
expect_err "f32patch: error: pipe.gguf: is a FIFO, not a regular file"
expect_err "f32patch: hint: "
expect_no_out
LAST_CMD="timeout 10 f32patch status pipe.gguf"
timeout 10 "$F32PATCH" status pipe.gguf >out 2>err </dev/null
STATUS=$?
expect_status 3
expect_err "pipe.gguf: is a FIFO, not a regular file"
f32p inspect /dev/null
expect_status 3
expect_err "f32patch: error: /dev/null: is a character device, not a regular file"

# --- strings with escapes, newlines, invalid UTF-8 and multi-byte characters ---
gguf 'write_gguf("evil.gguf",
  kv => [["general.architecture", "str", "gem\x1b[31mma\n"],
         ["general.name", "str", "n\nf32patch: error: fake \xff"],
         ["gem\x1b[31mma\n.block_count", "u32", 1],
         ["k\x1b]0;title\x07\xff", "str", "v\xfe\xc2\x9b"],
         ["k.\xe6\x97\xa5\xe6\x9c\xac", "u32", 7],
         ["tok", "arr:str", ["a\nb", "\xe2\x96\x81" x 30, "\xc3\xa9" x 30]],
         ["long", "str", "\xc3\xa9" x 100]],
  tensors => [["blk.0.layer_output_scale.weight", [1], [0.5]], ["t\n\x1b[2J\xff", [2], [1, 2]]])'
f32p inspect evil.gguf --metadata --tensors
expect_status 0
expect_terminal_safe
expect_out 'architecture: gem\x1b[31mma\n'
expect_out 'name:         n\nf32patch: error: fake \xff'
expect_out 'k\x1b]0;title\x07\xff'
expect_out '"v\xfe\u009b"'
expect_out 't\n\x1b[2J\xff'
# shortened on characters: 24 of the 30 three-byte "▁", 60 of the 100 "é"; never half of one
expect_out "\"$(printf '\xe2\x96\x81%.0s' $(seq 24))… (90 bytes)\""
expect_out "\"$(printf '\xc3\xa9%.0s' $(seq 60))… (200 bytes)\""
# columns aligned by characters: the type column starts at the same character in every row
check
cols=$(perl -CSD -ne 'print index($_, "  u32 ") . "\n" if /  u32 /' out | sort -u | wc -l)
[ "$cols" -eq 1 ] || fail "the metadata type column is not aligned ($cols different positions)"
check
cols=$(perl -CSD -ne 'print index($_, "  F32 ") . "\n" if /  F32 /' out | sort -u | wc -l)
[ "$cols" -eq 1 ] || fail "the tensor type column is not aligned ($cols different positions)"

# --full implies --metadata and shows whole strings
f32p inspect evil.gguf --full
expect_status 0
expect_out "\"$(printf '\xc3\xa9%.0s' $(seq 100))\""
expect_terminal_safe

# JSON: exact strings, parseable, invalid UTF-8 replaced and given exactly in *_hex
f32p inspect evil.gguf --json --metadata --tensors
expect_status 0
expect_jq '.architecture == "gem\u001b[31mma\n"' true
expect_jq '.name_hex' 6e0a66333270617463683a206572726f723a2066616b6520ff
expect_jq '[.metadata[] | select(.key_hex == "6b1b5d303b7469746c6507ff")] | length' 1
expect_jq '.metadata[] | select(.key == "long") | .value | length' 100
expect_jq '.tensors[1].name_hex' 740a1b5b324aff
expect_jq '.layers[0].tensor' blk.0.layer_output_scale.weight
expect_jq '.metadata[] | select(.key == "tok") | .values[1] | length' 30

# --- errors quote names escaped: one line, no forged "f32patch: error: fake" line ---
gguf 'write_gguf("badname.gguf", tensors => [["x\nf32patch: error: fake\x1b[2J", [-1]]])'
f32p inspect badname.gguf
expect_status 3
expect_err "f32patch: error: badname.gguf: tensor 'x\\nf32patch: error: fake\\x1b[2J': dimension 0 is -1, expected >= 0"
expect_line_count err 1
expect_err_format
expect_terminal_safe
gguf 'write_gguf("dupkey.gguf", kv => [["a\x1b[8m\r", "u8", 1], ["a\x1b[8m\r", "u8", 2]])'
f32p inspect dupkey.gguf
expect_status 3
expect_err "duplicate key 'a\\x1b[8m\\r' (key 1 and key 2 of 2)"
expect_terminal_safe

# --- the layer table never floods: a huge layer number, a huge block count ---
gguf 'write_gguf("farlayer.gguf", kv => [["general.architecture", "str", "gemma4"], ["gemma4.block_count", "u32", 2]],
  tensors => [["blk.4000000000.layer_output_scale.weight", [1], [2]]])'
f32p inspect farlayer.gguf
expect_status 0
expect_out "targets:      1 tensors blk.N.layer_output_scale.weight (1 beyond block_count)"
expect_out_re "^4000000000  unknown +[0-9]+  2 +0x40000000  \(beyond block_count\)$"
check; [ "$(grep -c '(absent)' out)" -eq 2 ] || fail "expected 2 absent rows (layers 0 and 1)"
expect_err "f32patch: warning: farlayer.gguf: 1 of the blk.N.layer_output_scale.weight tensors name a layer at or beyond gemma4.block_count (2)"
f32p inspect farlayer.gguf --json
expect_jq '.layers | length' 3
expect_jq '.layers[2] | "\(.layer) \(.beyond_block_count)"' "4000000000 true"
expect_jq '.layers[0] | keys_unsorted | join(",")' "layer,attention,tensor"
expect_jq '.target_count' 1

gguf 'write_gguf("hugeblocks.gguf",
  kv => [["general.architecture", "str", "gemma4"], ["gemma4.block_count", "u64", ~0]],
  tensors => [["blk.1.layer_output_scale.weight", [1], [2]]])'
f32p inspect hugeblocks.gguf
expect_status 0
expect_out "block count:  18446744073709551615 (implausible; see the warnings)"
check; [ "$(grep -cE '^ +[0-9]+  unknown ' out)" -eq 1 ] || fail "expected one layer row"
expect_err "gemma4.block_count is 18446744073709551615, implausible for a file of 1 tensors"
f32p inspect hugeblocks.gguf --json
expect_jq '.layers | length' 1
expect_jq '.block_count_plausible' false

# --- zero-element tensors are valid whatever their other dimensions ---
gguf 'write_gguf("empty.gguf", tensors => [["a", [1 << 62, 0]], ["b", [1 << 62, 4, 0]], ["c", [1], [1]]])'
f32p inspect empty.gguf --json --tensors
expect_status 0
expect_jq '[.tensors[] | .bytes] | join(",")' "0,0,4"

# --- attention patterns: floats refused, scalars always explained ---
gguf 'write_gguf("floatpattern.gguf", kv => [["general.architecture", "str", "gemma4"], ["gemma4.block_count", "u32", 2],
  ["gemma4.attention.sliding_window_pattern", "arr:f32", ["nan", 1e30]]])'
f32p inspect floatpattern.gguf
expect_status 0
expect_out "attention:    unknown"
expect_err "f32patch: warning: floatpattern.gguf: attention kinds unknown: gemma4.attention.sliding_window_pattern is an array of f32, expected bool"
gguf 'write_gguf("period.gguf", kv => [["general.architecture", "str", "gemma3"], ["gemma3.block_count", "u32", 6],
  ["gemma3.attention.sliding_window_pattern", "u32", 3]]);
  write_gguf("period0.gguf", kv => [["general.architecture", "str", "gemma3"], ["gemma3.block_count", "u32", 6],
  ["gemma3.attention.sliding_window_pattern", "u32", 0]])'
f32p inspect period.gguf
expect_status 0
expect_out "attention:    4 sliding, 2 full (gemma3.attention.sliding_window_pattern)"
expect_err "warning: period.gguf: gemma3.attention.sliding_window_pattern is a scalar (3), read as a period"
f32p inspect period0.gguf --json
expect_status 0
expect_jq '.attention.note | test("is a scalar 0, which is no period")' true
expect_err "warning: period0.gguf: attention kinds unknown: gemma3.attention.sliding_window_pattern is a scalar 0"

# --- split keys: shown as found, inconsistencies warned about, the file still read ---
gguf 'write_gguf("bad-00001-of-00003.gguf", kv => [["split.no", "u64", ~0], ["split.count", "u16", 0],
  ["split.tensors.count", "i32", 5]], tensors => [["a", [1], [2]]]);
  write_gguf("gemma-4-31B-it-IQ1_M-00001-of-00003.gguf", kv => [["split.no", "u16", 0], ["split.count", "u16", 3],
  ["split.tensors.count", "i32", 833]], tensors => [["a", [1], [2]]])'
f32p inspect bad-00001-of-00003.gguf
expect_status 0
expect_out "split:        split.no 18446744073709551615, split.count 0 (inconsistent; see the warnings)"
expect_err "warning: bad-00001-of-00003.gguf: split.no has type u64, expected u16"
expect_err "warning: bad-00001-of-00003.gguf: split.count is 0, expected 1 or more"
f32p inspect bad-00001-of-00003.gguf --json
expect_jq '.split | "\(.count) \(.consistent) \(.problems | length)"' "0 false 2"
expect_out '"no": 18446744073709551615,'  # jq would round it to a double
f32p inspect gemma-4-31B-it-IQ1_M-00001-of-00003.gguf
expect_status 0
expect_no_err
expect_out "split:        shard 1 of 3 (gemma-4-31B-it-IQ1_M-00001-of-00003.gguf), 833 tensors in all"

# --- impossible counts are blamed on the header ---
gguf 'write_gguf("kvcount.gguf", kv => [["a", "u8", 1]], kv_count => 9223372036854775807)'
f32p inspect kvcount.gguf
expect_status 3
expect_err "kvcount.gguf: metadata key/value count is 9223372036854775807, but the 40 bytes after the header can hold at most 2 records (14 bytes or more each)"
expect_err "f32patch: hint: a truncated download or a corrupt header"

# --- a string-array length beyond the limit is reported as such, not as a truncation ---
gguf 'write_gguf("strlen.gguf", kv => [["a.strs", "raw", 9, pack("L<Q<Q<a1Q<", 8, 2, 1, "x", ~0) . ("\0" x 64)]])'
f32p inspect strlen.gguf
expect_status 3
expect_err "length of string 2 of 2 in the array of key 1 of 1 ('a.strs') (at byte 63) is 18446744073709551615, expected at most 1073741824"

# --- usage ---
f32p inspect evil.gguf --tensor ''
expect_status 2
expect_err "f32patch: error: --tensor is empty"
expect_no_out
f32p inspect --help
expect_out "implies --metadata"
