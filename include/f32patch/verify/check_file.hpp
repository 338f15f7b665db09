// Check files as md5sum, sha256sum and xxhsum write and read them.
//
// Three line forms, each optionally preceded by a backslash that marks an escaped file name:
//
//   <hex>  <file>              untagged ("GNU" form); ` *<file>` marks binary mode, which
//                              changes nothing on POSIX; one space or a tab also separates
//   <TAG> (<file>) = <hex>     BSD form (--tag); TAG is MD5, SHA256, XXH128, XXH64 or XXH3
//   XXH3_<hex>  <file>         xxhsum 0.8.2's untagged XXH3-64 line (read, never written)
//
// Escaped names: coreutils writes a file name containing a backslash, a newline or a carriage
// return escaped: the line starts with `\`, and the name has `\\`, `\n` and `\r` for those
// characters. xxhsum 0.8.1 knows no escaping (it takes a backslash as part of the name), so
// lines of the xxHash algorithms carry a name with a backslash as it is, the way xxhsum prints
// it, and are escaped only for a newline or carriage return, which xxhsum cannot express at all.
// Lines starting with `#` (after blanks) and blank lines are skipped; a trailing carriage
// return (a check file edited on Windows) is ignored. Hex digits may be upper case.
//
// Which algorithm an untagged line uses is inferred from its length, as xxhsum -c does: 64 hex
// digits are SHA-256, 16 are XXH64 (xxhsum never writes XXH3-64 lines untagged). 32 digits are
// ambiguous: MD5 and XXH3-128 both have them (md5sum reads them as MD5, `xxhsum -c` as
// XXH3-128). Unless the check file's name (*.md5, MD5SUMS, *.xxh128) or the caller settles it
// (CheckParseOptions), such a line is read as either: the file is hashed with both, in the same
// read, and the line matches when one of the two digests does. Tagged lines say their algorithm
// and are never ambiguous, so f32patch writes tagged lines whenever it prints more than one
// algorithm.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/verify/algorithm.hpp>

namespace f32patch::verify {

struct CheckEntry {
  Algorithm algorithm = Algorithm::md5;
  // An untagged line whose length two algorithms share, when nothing settled which one it is
  // (32 digits: MD5, with XXH3-128 here): the line matches when either digest does.
  std::optional<Algorithm> alternative;
  std::string hex;          // lower case
  std::string file;         // unescaped
  std::size_t line = 0;     // 1-based line number in the check file
  bool tagged = false;      // the line names its algorithm (BSD form, or xxhsum's XXH3_ prefix)
};

struct CheckParseOptions {
  // Every untagged line is read as this algorithm (a line of another length is malformed).
  std::optional<Algorithm> untagged;
  // Otherwise: how an untagged line of 32 hex digits is read; nothing means either MD5 or
  // XXH3-128 (CheckEntry::alternative).
  std::optional<Algorithm> untagged_32;
};

enum class LineKind { entry, skipped, malformed };

struct ParsedLine {
  LineKind kind = LineKind::skipped;
  CheckEntry entry;  // when kind == entry (line number left 0)
};

// One line, without its '\n'.
ParsedLine parse_check_line(std::string_view line, const CheckParseOptions& options = {});

struct CheckFileContent {
  std::vector<CheckEntry> entries;
  std::vector<std::size_t> malformed_lines;  // 1-based line numbers
};

// A whole check file. Never throws for bad lines: they are counted in malformed_lines, as
// coreutils counts "improperly formatted" lines.
CheckFileContent parse_check_file(std::string_view text, const CheckParseOptions& options = {});

// The CheckParseOptions for a check file of this name: untagged_32 is XXH3-128 for *.xxh128,
// *.xxh128sum and XXH128SUMS*, MD5 for *.md5, *.md5sum and MD5SUMS* (case-insensitive), and
// left open (either) otherwise, standard input ("-") included.
CheckParseOptions check_options_for(std::string_view check_file_name);

// One check line ending in '\n', as the algorithm's standard tool prints it: untagged
// `hex  file`, or tagged `TAG (file) = hex` (always for XXH3-64, as xxhsum -H3 prints it). The
// name is escaped (and the line prefixed with `\`) when it has a newline or carriage return,
// and for md5/sha256 also when it has a backslash (xxhsum would read `\\` as two backslashes).
std::string format_check_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                              bool tagged);

// The coreutils escape of a file name: `\\`, `\n`, `\r`. `needed` tells whether anything was
// escaped (the line must then start with a backslash).
std::string escape_file_name(std::string_view name, bool& needed);
// The reverse; nothing when the text has an unknown escape or a trailing lone backslash.
std::optional<std::string> unescape_file_name(std::string_view text);
// How md5sum -c (coreutils 9.1) names a file in its "FILE: OK" lines: as is, carriage returns
// and backslashes included, unless it contains a newline: then escaped (`\\`, `\n`, `\r`),
// with a leading backslash.
std::string display_name(std::string_view file);

// How coreutils names a file in a diagnostic (gnulib's quotef, shell-escape style, for a UTF-8
// locale): as is when that is unambiguous ("a.gguf", "café.gguf"), otherwise quoted so that a
// shell reads it back: 'a b.gguf', "it's.gguf", 'it'\''s "q"', 'new'$'\n''line', ''.
// Spaces, shell metacharacters, a colon, a leading '#' or '~', control characters and invalid
// UTF-8 call for quotes. `always` quotes even a plain name ('a.gguf'), for a name inside a
// sentence.
std::string quote_name(std::string_view name, bool always = false);

}  // namespace f32patch::verify
