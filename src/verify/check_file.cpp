#include <f32patch/verify/check_file.hpp>

#include <f32patch/util/hex.hpp>

#include <cstdint>

namespace f32patch::verify {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
bool is_tag_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iends_with(std::string_view text, std::string_view suffix) noexcept {
  if (text.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    if (lower(text[text.size() - suffix.size() + i]) != lower(suffix[i])) return false;
  }
  return true;
}
bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (lower(text[i]) != lower(prefix[i])) return false;
  }
  return true;
}

constexpr std::size_t k_ambiguous_length = 32;  // MD5 and XXH3-128
static_assert(2 * 16 == k_ambiguous_length);

// The algorithm (and, for an open 32-digit line, the alternative) of an untagged line.
struct UntaggedReading {
  Algorithm algorithm;
  std::optional<Algorithm> alternative;
};

std::optional<UntaggedReading> untagged_algorithm(std::size_t hex_length,
                                                  const CheckParseOptions& options) {
  if (options.untagged) {
    if (info(*options.untagged).hex_length() != hex_length) return std::nullopt;
    return UntaggedReading{*options.untagged, std::nullopt};
  }
  if (hex_length == k_ambiguous_length) {
    if (options.untagged_32) return UntaggedReading{*options.untagged_32, std::nullopt};
    return UntaggedReading{Algorithm::md5, Algorithm::xxh128};
  }
  for (const AlgorithmInfo& row : algorithms()) {
    // Algorithms whose tool always tags its lines (XXH3-64) are never read from an untagged
    // line: 16 digits are XXH64, as xxhsum -c reads them.
    if (row.hex_length() == hex_length && !row.always_tagged) return UntaggedReading{row.id, {}};
  }
  return std::nullopt;
}

// `<hex>[ \t][ *]<file>`, or xxhsum 0.8.2's `XXH3_<hex>  <file>`.
std::optional<CheckEntry> parse_untagged(std::string_view rest, const CheckParseOptions& options) {
  constexpr std::string_view k_xxh3_prefix = "XXH3_";
  const bool xxh3_prefixed = rest.starts_with(k_xxh3_prefix);
  if (xxh3_prefixed) rest.remove_prefix(k_xxh3_prefix.size());
  std::size_t n = 0;
  while (n < rest.size() && is_hex_digit(rest[n])) ++n;
  if (n == 0 || n + 1 >= rest.size() || !is_blank(rest[n])) return std::nullopt;
  std::optional<UntaggedReading> reading;
  if (xxh3_prefixed) {
    if (n == info(Algorithm::xxh3).hex_length()) reading = UntaggedReading{Algorithm::xxh3, {}};
  } else {
    reading = untagged_algorithm(n, options);
  }
  if (!reading) return std::nullopt;
  std::size_t name_start = n + 1;
  if (rest[name_start] == ' ' || rest[name_start] == '*') ++name_start;
  if (name_start >= rest.size()) return std::nullopt;
  CheckEntry entry;
  entry.algorithm = reading->algorithm;
  entry.alternative = reading->alternative;
  entry.hex = *normalize_hex(reading->algorithm, rest.substr(0, n));
  entry.file = std::string(rest.substr(name_start));
  entry.tagged = xxh3_prefixed;
  return entry;
}

// `<TAG>[ ](<file>)[ ]=[ ]<hex>`; the name may itself contain ") = ", so the split is at the
// last '=' (hex digits never contain one).
std::optional<CheckEntry> parse_tagged(std::string_view rest) {
  std::size_t tag_end = 0;
  while (tag_end < rest.size() && is_tag_char(rest[tag_end])) ++tag_end;
  if (tag_end == 0) return std::nullopt;
  std::size_t open = tag_end;
  if (open < rest.size() && rest[open] == ' ') ++open;
  if (open >= rest.size() || rest[open] != '(') return std::nullopt;

  const std::size_t equals = rest.rfind('=');
  if (equals == std::string_view::npos || equals <= open) return std::nullopt;
  std::string_view hex = rest.substr(equals + 1);
  if (!hex.empty() && hex.front() == ' ') hex.remove_prefix(1);
  std::size_t close = equals;
  if (close > 0 && rest[close - 1] == ' ') --close;
  if (close == 0 || rest[close - 1] != ')' || close - 1 <= open + 1) return std::nullopt;

  const auto algorithm = algorithm_from_tag(rest.substr(0, tag_end));
  if (!algorithm) return std::nullopt;
  const auto normalized = normalize_hex(*algorithm, hex);
  if (!normalized) return std::nullopt;
  CheckEntry entry;
  entry.algorithm = *algorithm;
  entry.hex = *normalized;
  entry.file = std::string(rest.substr(open + 1, close - 1 - (open + 1)));
  entry.tagged = true;
  return entry;
}

}  // namespace

ParsedLine parse_check_line(std::string_view line, const CheckParseOptions& options) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
  if (line.empty() || line.front() == '#') return {LineKind::skipped, {}};

  const bool escaped = line.front() == '\\';
  if (escaped) line.remove_prefix(1);

  std::optional<CheckEntry> entry = parse_untagged(line, options);
  if (!entry) entry = parse_tagged(line);
  if (!entry) return {LineKind::malformed, {}};
  if (escaped) {
    auto name = unescape_file_name(entry->file);
    if (!name) return {LineKind::malformed, {}};
    entry->file = std::move(*name);
  }
  return {LineKind::entry, std::move(*entry)};
}

CheckFileContent parse_check_file(std::string_view text, const CheckParseOptions& options) {
  CheckFileContent content;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    ParsedLine parsed = parse_check_line(text.substr(start, end - start), options);
    if (parsed.kind == LineKind::entry) {
      parsed.entry.line = line_number;
      content.entries.push_back(std::move(parsed.entry));
    } else if (parsed.kind == LineKind::malformed) {
      content.malformed_lines.push_back(line_number);
    }
    start = end + 1;
  }
  return content;
}

CheckParseOptions check_options_for(std::string_view check_file_name) {
  std::string_view base = check_file_name;
  if (const std::size_t slash = base.rfind('/'); slash != std::string_view::npos) {
    base.remove_prefix(slash + 1);
  }
  CheckParseOptions options;
  if (iends_with(base, ".xxh128") || iends_with(base, ".xxh128sum") ||
      istarts_with(base, "xxh128sum")) {
    options.untagged_32 = Algorithm::xxh128;
  } else if (iends_with(base, ".md5") || iends_with(base, ".md5sum") ||
             istarts_with(base, "md5sum")) {
    options.untagged_32 = Algorithm::md5;
  }
  return options;
}

std::string escape_file_name(std::string_view name, bool& needed) {
  std::string out;
  out.reserve(name.size());
  needed = false;
  for (const char c : name) {
    switch (c) {
      case '\\': out += "\\\\"; needed = true; break;
      case '\n': out += "\\n"; needed = true; break;
      case '\r': out += "\\r"; needed = true; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<std::string> unescape_file_name(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\': out += '\\'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::string display_name(std::string_view file) {
  // coreutils 9.1's md5sum -c escapes a name only when it has a newline; a backslash or a
  // carriage return alone is shown as is.
  if (file.find('\n') == std::string_view::npos) return std::string(file);
  bool needed = false;
  std::string shown = "\\";
  shown += escape_file_name(file, needed);
  return shown;
}

std::string format_check_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                              bool tagged) {
  const AlgorithmInfo& row = info(algorithm);
  tagged = tagged || row.always_tagged;
  // A newline or carriage return must be escaped whoever reads the line; a backslash only for
  // the tools that unescape (xxhsum would take `\\` for two backslashes).
  const bool escape = file.find_first_of("\n\r") != std::string_view::npos ||
                      (row.tool_unescapes_names && file.find('\\') != std::string_view::npos);
  bool needed = false;
  const std::string name = escape ? escape_file_name(file, needed) : std::string(file);
  std::string line = needed ? "\\" : "";
  if (tagged) {
    line += row.bsd_tag;
    line += " (";
    line += name;
    line += ") = ";
    line += hex;
  } else {
    line += hex;
    line += "  ";
    line += name;
  }
  line += '\n';
  return line;
}

namespace {

// One character of a name for quote_name: a UTF-8 sequence, or one byte that is not part of a
// valid one. `printable` as glibc's iswprint sees it in a UTF-8 locale, as far as quoting goes:
// controls (C0, DEL, C1) and invalid bytes are not. An incomplete sequence at the end of the
// name swallows the rest of it, as mbrtowc's "incomplete" answer does in gnulib.
struct NameChar {
  std::size_t length = 1;
  bool printable = true;
};

NameChar next_name_char(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return {1, c >= 0x20 && c != 0x7f};
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    code = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    code = c & 0x0Fu;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    code = c & 0x07u;
  } else {
    return {1, false};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (i + k == s.size()) return {s.size() - i, false};  // incomplete at the end
    const unsigned char next = byte(i + k);
    if ((next & 0xC0u) != 0x80u) return {1, false};
    if (k == 1) {  // overlong forms, surrogates and code points past U+10FFFF
      if ((c == 0xE0 && next < 0xA0) || (c == 0xED && next >= 0xA0) ||
          (c == 0xF0 && next < 0x90) || (c == 0xF4 && next >= 0x90)) {
        return {1, false};
      }
    }
    code = (code << 6) | (next & 0x3Fu);
  }
  return {length, !(code >= 0x80 && code < 0xA0)};
}

// The shell metacharacters gnulib quotes for (plus the colon quotef adds); '#' and '~' only
// at the start, '{' and '}' only as the whole name.
bool needs_quotes_for(char c, std::size_t i, std::size_t size) noexcept {
  switch (c) {
    case ' ': case '!': case '"': case '$': case '&': case '\'': case '(': case ')':
    case '*': case ';': case '<': case '=': case '>': case '?': case '[': case '\\':
    case '^': case '`': case '|': case ':':
      return true;
    case '#': case '~':
      return i == 0;
    case '{': case '}':
      return size == 1;
    default:
      return false;
  }
}

// Whether c means the same inside C-style double quotes as inside shell double quotes, which
// lets a name with a single quote be written "it's" rather than 'it'\''s'.
bool same_in_double_quotes(char c, std::size_t i, std::size_t size) noexcept {
  switch (c) {
    case '!': case '"': case '$': case '&': case '(': case ')': case '*': case ';': case '<':
    case '=': case '>': case '?': case '[': case '\\': case '^': case '`': case '|':
      return false;
    case '#': case '~':
      return i == 0;
    case '{': case '}':
      return size == 1;
    default:
      return true;
  }
}

void append_escape(std::string& out, std::string_view bytes) {
  for (const char ch : bytes) {
    switch (ch) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default: {
        const auto value = static_cast<unsigned char>(ch);
        out += '\\';
        out += static_cast<char>('0' + (value >> 6));
        out += static_cast<char>('0' + ((value >> 3) & 7u));
        out += static_cast<char>('0' + (value & 7u));
      }
    }
  }
}

}  // namespace

std::string quote_name(std::string_view name, bool always) {
  bool needed = always || name.empty();
  for (std::size_t i = 0; i < name.size() && !needed;) {
    const NameChar ch = next_name_char(name, i);
    needed = !ch.printable || (ch.length == 1 && needs_quotes_for(name[i], i, name.size()));
    i += ch.length;
  }
  if (!needed) return std::string(name);

  // Single quotes; a single quote as '\''; unprintable bytes as $'\n' / $'\377' sequences.
  std::string out = "'";
  bool in_dollar = false;  // inside a $'...' part
  bool single_quote = false;
  bool double_quotable = true;
  for (std::size_t i = 0; i < name.size();) {
    const NameChar ch = next_name_char(name, i);
    const std::string_view bytes = name.substr(i, ch.length);
    if (!ch.printable) {
      if (!in_dollar) out += "'$'";
      in_dollar = true;
      append_escape(out, bytes);
      double_quotable = false;
    } else if (bytes == "'") {
      out += "'\\''";  // also closes a $'...' part
      in_dollar = false;
      single_quote = true;
    } else {
      if (in_dollar) out += "''";
      in_dollar = false;
      out += bytes;
      if (ch.length == 1 && !same_in_double_quotes(name[i], i, name.size())) {
        double_quotable = false;
      }
    }
    i += ch.length;
  }
  out += '\'';
  if (single_quote && double_quotable) return "\"" + std::string(name) + "\"";
  return out;
}

}  // namespace f32patch::verify
