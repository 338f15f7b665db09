# A tiny GGUF writer for the end-to-end tests, in Perl so that a test script can write a file
# with hostile strings (control characters, invalid UTF-8) or odd metadata in a few lines.
# Little-endian, GGUF v3 unless told otherwise; offsets packed and padded like every writer.
#
#   perl -e 'require $ENV{GGUF_WRITER}; write_gguf("x.gguf",
#       kv      => [["general.architecture", "str", "gemma4"], ["gemma4.block_count", "u32", 2],
#                   ["p", "arr:f32", [1.5, "nan"]], ["k", "raw", 13, ""]],
#       tensors => [["blk.0.layer_output_scale.weight", [1], [0.5]],      # F32 with values
#                   ["e", [1 << 62, 0]],                                 # F32, no data
#                   ["q", [256], undef, 12, 144]])'                      # type 12, 144 bytes
#
# Options: version, alignment (also written as general.alignment when `alignment_key`),
# kv_count / tensor_count (override the header counts).
use strict;
use warnings;

my %scalar = (
  u8 => [0, 'C'], i8 => [1, 'c'], u16 => [2, 'S<'], i16 => [3, 's<'], u32 => [4, 'L<'],
  i32 => [5, 'l<'], f32 => [6, 'f<'], bool => [7, 'C'], u64 => [10, 'Q<'], i64 => [11, 'q<'],
  f64 => [12, 'd<'],
);

sub gguf_string { my ($s) = @_; return pack('Q<', length $s) . $s; }

sub gguf_value {
  my ($type, $value) = @_;
  return pack('L<', 8) . gguf_string($value) if $type eq 'str';
  if ($type =~ /^arr:(\w+)$/) {
    my $element = $1;
    my $out;
    if ($element eq 'str') {
      $out = pack('L<Q<', 8, scalar @$value);
      $out .= gguf_string($_) for @$value;
    } else {
      my ($id, $format) = @{ $scalar{$element} or die "unknown element type $element" };
      $out = pack('L<Q<', $id, scalar @$value);
      $out .= pack($format, $_) for @$value;
    }
    return pack('L<', 9) . $out;
  }
  my ($id, $format) = @{ $scalar{$type} or die "unknown value type $type" };
  return pack('L<', $id) . pack($format, $value);
}

sub write_gguf {
  my ($path, %o) = @_;
  my $alignment = $o{alignment} // 32;
  my @kv = @{ $o{kv} // [] };
  my @tensors = @{ $o{tensors} // [] };
  my $meta = '';
  for my $kv (@kv) {
    my ($key, $type, @rest) = @$kv;
    if ($type eq 'raw') {  # type id and payload bytes, verbatim
      $meta .= gguf_string($key) . pack('L<', $rest[0]) . $rest[1];
    } else {
      $meta .= gguf_string($key) . gguf_value($type, $rest[0]);
    }
  }
  my ($infos, $data, $offset) = ('', '', 0);
  for my $t (@tensors) {
    my ($name, $dims, $values, $type, $nbytes) = @$t;
    $type //= 0;
    if (!defined $nbytes) {
      $nbytes = 4;
      $nbytes *= $_ for @$dims;
    }
    $infos .= gguf_string($name) . pack('L<', scalar @$dims) . join('', map { pack('q<', $_) } @$dims)
            . pack('L<Q<', $type, $offset);
    my $bytes = defined $values ? join('', map { pack('f<', $_) } @$values) : '';
    $bytes .= "\0" x ($nbytes - length $bytes);
    my $padded = $nbytes % $alignment ? $nbytes + $alignment - $nbytes % $alignment : $nbytes;
    $data .= $bytes . ("\0" x ($padded - $nbytes));
    $offset += $padded;
  }
  my $head = 'GGUF' . pack('L<Q<Q<', $o{version} // 3, $o{tensor_count} // scalar @tensors,
                           $o{kv_count} // scalar @kv) . $meta . $infos;
  $head .= "\0" x (($alignment - length($head) % $alignment) % $alignment);
  open(my $fh, '>:raw', $path) or die "$path: $!";
  print $fh $head, $data;
  close($fh) or die "$path: $!";
}

1;
