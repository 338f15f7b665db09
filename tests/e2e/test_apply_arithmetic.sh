# The arithmetic rule, checked independently with perl for every multiplier of both built-in
# recipes: new bits = float32(double(old) * double(multiplier)), rounded to nearest, in the
# file's byte order. Checked on the [1]-shaped layer_output_scale scalars and on 256-element
# post_attention_norm vectors (real random data), little- and big-endian.
source "$E2E_LIB"
need_cmd perl

L25L26="25=1.5,26=1.5"
BASIN_B="5=1.440,18=0.767,19=1.016,20=0.814,21=1.413,25=1.402,26=1.289,27=1.326,28=1.431,30=0.548,31=1.267"

# The built-ins still hold the published multipliers.
f32p recipes --json
expect_status 0
expect_jq '.[] | select(.name == "l25l26") | .multipliers | to_entries | map("\(.key)=\(.value)") | join(",")' "$L25L26"
expect_jq '.[] | select(.name == "basin-b") | .multipliers | to_entries | map("\(.key)=\(.value)") | join(",")' \
  "5=1.44,18=0.767,19=1.016,20=0.814,21=1.413,25=1.402,26=1.289,27=1.326,28=1.431,30=0.548,31=1.267"

# check_products ORDER PRISTINE PATCHED SUFFIX SET: for each LAYER=MULT of SET, every element of
# blk.LAYER.SUFFIX in PATCHED equals float(double(element in PRISTINE) * MULT). Prints
# "<checked> <differ-from-f32-product>" and exits non-zero after printing each wrong element.
check_products() {
  local order=$1 pristine=$2 patched=$3 suffix=$4 set=$5 specs="" item layer mult offset count
  "$F32PATCH" inspect "$pristine" --json --tensors </dev/null > tensors.json
  for item in ${set//,/ }; do
    layer=${item%%=*}
    mult=${item#*=}
    offset=$(jq -r ".tensors[] | select(.name == \"blk.$layer.$suffix\") | .offset" tensors.json)
    count=$(jq -r ".tensors[] | select(.name == \"blk.$layer.$suffix\") | .elements" tensors.json)
    specs="$specs $offset:$count:$mult"
  done
  # shellcheck disable=SC2086
  perl -e '
    use strict; use warnings;
    my ($order, $pristine, $patched, @specs) = @ARGV;
    my $f = $order eq "big" ? "f>" : "f<";
    my $u = $order eq "big" ? "L>" : "L<";
    open(my $a, "<:raw", $pristine) or die "$pristine: $!";
    open(my $b, "<:raw", $patched) or die "$patched: $!";
    my ($checked, $bad, $f32_differs) = (0, 0, 0);
    for my $spec (@specs) {
      my ($offset, $count, $mult) = split /:/, $spec;
      $mult += 0;   # a double, parsed from the decimal text
      for my $i (0 .. $count - 1) {
        my ($x, $y);
        sysseek($a, $offset + 4 * $i, 0); sysread($a, $x, 4) == 4 or die "short read";
        sysseek($b, $offset + 4 * $i, 0); sysread($b, $y, 4) == 4 or die "short read";
        my $old = unpack($f, $x);                    # float widened to double
        my $want = pack($f, $old * $mult);           # double product, rounded to float
        my $f32 = pack($f, $old * unpack($f, pack($f, $mult)));  # product with a float multiplier
        $f32_differs++ if $f32 ne $want;
        $checked++;
        if ($y ne $want) {
          $bad++;
          printf STDERR "offset %d element %d: old 0x%08x x %s: got 0x%08x, expected 0x%08x\n",
            $offset, $i, unpack($u, $x), $mult, unpack($u, $y), unpack($u, $want);
        }
      }
    }
    print "$checked $f32_differs\n";
    exit($bad ? 1 : 0);
  ' "$order" "$pristine" "$patched" $specs
}

# arith ORDER NAME SUFFIX SET APPLY-ARGS... FIXTURE-ARGS after --
arith() {
  local order=$1 name=$2 suffix=$3 set=$4
  shift 4
  local apply_args=()
  while [ "$1" != -- ]; do apply_args+=("$1"); shift; done
  shift
  fixture "$name.pristine.gguf" "$@"
  cp "$name.pristine.gguf" "$name.gguf"
  f32p apply "$name.gguf" "${apply_args[@]}"
  expect_status 0
  local result
  result=$(check_products "$order" "$name.pristine.gguf" "$name.gguf" "$suffix" "$set" 2>arith.err)
  local rc=$?
  check
  if [ "$rc" -ne 0 ]; then
    fail "$name: products do not follow the double-then-round rule: $(head -n 5 arith.err)"
  fi
  echo "$name: checked ${result% *} elements; a float32 multiply would differ on ${result#* }"
  f32p restore "$name.gguf" -q
  expect_status 0
  expect_digest "$name.gguf" "$(digest "$name.pristine.gguf")" "$name after restore"
}

arith little l25l26-le layer_output_scale.weight "$L25L26" --recipe l25l26 -- --seed 1
arith little basin-b-le layer_output_scale.weight "$BASIN_B" --recipe basin-b -- --seed 1
arith big l25l26-be layer_output_scale.weight "$L25L26" --recipe l25l26 -- --seed 2 --big-endian --gguf-version 2
arith big basin-b-be layer_output_scale.weight "$BASIN_B" --recipe basin-b -- --seed 2 --big-endian --gguf-version 2
# awkward scalars: large, near the smallest normal (products become subnormal), -0.0, negative
arith little scalars-le layer_output_scale.weight "$BASIN_B" --recipe basin-b -- \
  --scale 5=1e38 --scale 18=1.2e-38 --scale 19=1.17549435e-38 --scale 20=-0.0 --scale 21=0.1 \
  --scale 25=16777215 --scale 26=0.33333334 --scale 27=-2.5 --scale 28=3e-38 --scale 30=7 --scale 31=1
# vectors: every element of a 256-element F32 tensor, with every multiplier of both recipes
arith little vec-l25l26 post_attention_norm.weight "$L25L26" --set "$L25L26" --tensor post_attention_norm.weight -- --seed 3
arith little vec-basin-b post_attention_norm.weight "$BASIN_B" --set "$BASIN_B" --tensor post_attention_norm.weight -- --seed 3
arith big vec-basin-b-be post_attention_norm.weight "$BASIN_B" --set "$BASIN_B" --tensor post_attention_norm.weight -- --seed 4 --big-endian
