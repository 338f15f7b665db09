// Check files as md5sum, sha256sum and xxhsum write and read them.
//
// Two line forms, each optionally preceded by a backslash that marks an escaped file name:
//
//   <hex>  <file>              untagged ("GNU" form); ` *<file>` marks binary mode, which
//                              changes nothing on POSIX; one space or a tab also separates
//   <TAG> (<file>) = <hex>     BSD form (--tag); TAG is MD5, SHA256, XXH128 or XXH64
//
// A file name containing a backslash, a newline or a carriage return is written escaped, the
// coreutils way: the line starts with `\`, and the name has `\\`, `\n` and `\r` for those
// characters. Lines starting with `#` (after blanks) and blank lines are skipped; a trailing
// carriage return (a check file edited on Windows) is ignored. Hex digits may be upper case.
//
// Which algorithm an untagged line uses is inferred from its length, as xxhsum -c does: 64 hex
// digits are SHA-256, 16 are XXH64. 32 digits are ambiguous - MD5 and XXH3-128 both have them.
// md5sum reads them as MD5 and `xxhsum -c` as XXH3-128; f32patch reads them as MD5 (published
// model checksums are MD5s), unless the check file is named *.xxh128 or the caller says
// otherwise (CheckParseOptions). Tagged lines say their algorithm and are never ambiguous, so
// f32patch writes tagged lines whenever it prints more than one algorithm.
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
  std::string hex;          // lower case
  std::string file;         // unescaped
  std::size_t line = 0;     // 1-based line number in the check file
  bool tagged = false;      // BSD form
};

struct CheckParseOptions {
  // Every untagged line is read as this algorithm (a line of another length is malformed).
  std::optional<Algorithm> untagged;
  // Otherwise: how an untagged line of 32 hex digits is read (MD5 or XXH3-128).
  Algorithm untagged_32 = Algorithm::md5;
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

// The CheckParseOptions for a check file of this name: untagged_32 is XXH3-128 for *.xxh128
// (and *.xxh128sum), MD5 otherwise.
CheckParseOptions check_options_for(std::string_view check_file_name);

// One check line ending in '\n': untagged `hex  file`, or tagged `TAG (file) = hex`, escaping
// the name (and prefixing the line with `\`) when it needs it.
std::string format_check_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                              bool tagged);

// The coreutils escape of a file name: `\\`, `\n`, `\r`. `needed` tells whether anything was
// escaped (the line must then start with a backslash).
std::string escape_file_name(std::string_view name, bool& needed);
// The reverse; nothing when the text has an unknown escape or a trailing lone backslash.
std::optional<std::string> unescape_file_name(std::string_view text);
// How md5sum -c names a file in its "FILE: OK" lines: as is, unless it contains a newline (or a
// carriage return, which coreutils 9.1 prints raw): then escaped, with a leading backslash.
std::string display_name(std::string_view file);

}  // namespace f32patch::verify
