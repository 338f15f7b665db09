#include <f32patch/verify/check_file.hpp>

namespace f32patch::verify {

namespace {

bool is_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
bool is_tag_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

bool ends_with(std::string_view text, std::string_view suffix) noexcept {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::optional<Algorithm> untagged_algorithm(std::size_t hex_length,
                                            const CheckParseOptions& options) {
  if (options.untagged) {
    if (info(*options.untagged).hex_length() != hex_length) return std::nullopt;
    return options.untagged;
  }
  if (hex_length == info(options.untagged_32).hex_length()) return options.untagged_32;
  for (const AlgorithmInfo& row : algorithms()) {
    // 32 digits are settled above; only unambiguous lengths reach this loop.
    if (row.hex_length() == hex_length && row.hex_length() != 32) return row.id;
  }
  return std::nullopt;
}

// `<hex>[ \t][ *]<file>`
std::optional<CheckEntry> parse_untagged(std::string_view rest, const CheckParseOptions& options) {
  std::size_t n = 0;
  while (n < rest.size() && is_hex_digit(rest[n])) ++n;
  if (n == 0 || n + 1 >= rest.size() || !is_blank(rest[n])) return std::nullopt;
  const auto algorithm = untagged_algorithm(n, options);
  if (!algorithm) return std::nullopt;
  std::size_t name_start = n + 1;
  if (rest[name_start] == ' ' || rest[name_start] == '*') ++name_start;
  if (name_start >= rest.size()) return std::nullopt;
  CheckEntry entry;
  entry.algorithm = *algorithm;
  entry.hex = *normalize_hex(*algorithm, rest.substr(0, n));
  entry.file = std::string(rest.substr(name_start));
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
  CheckParseOptions options;
  if (ends_with(check_file_name, ".xxh128") || ends_with(check_file_name, ".xxh128sum")) {
    options.untagged_32 = Algorithm::xxh128;
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
  // md5sum -c escapes a name only when it has a line break; a lone backslash is shown as is.
  if (file.find_first_of("\n\r") == std::string_view::npos) return std::string(file);
  bool needed = false;
  std::string shown = "\\";
  shown += escape_file_name(file, needed);
  return shown;
}

std::string format_check_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                              bool tagged) {
  bool needed = false;
  const std::string name = escape_file_name(file, needed);
  std::string line = needed ? "\\" : "";
  if (tagged) {
    line += info(algorithm).bsd_tag;
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

}  // namespace f32patch::verify
