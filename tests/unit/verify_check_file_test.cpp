// Check-file lines as md5sum, sha256sum and xxhsum write and read them: the three forms, the
// binary marker, escaped names (and xxhsum's unescaped ones), comments, CRLF, the algorithm
// inferred from the tag or the length (32 digits: either MD5 or XXH3-128), what counts as
// improperly formatted, and how names are shown in results and quoted in diagnostics.
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/verify/check_file.hpp>

namespace f32patch::verify {
namespace {

constexpr std::string_view k_md5 = "900150983cd24fb0d6963f7d28e17f72";
constexpr std::string_view k_sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view k_x64 = "44bc2cf5ad770999";
constexpr std::string_view k_x3 = "78af5f94892f3950";  // xxhsum -H3 of "abc"

struct GoodLine {
  std::string line;
  Algorithm algorithm;
  std::string file;
  bool tagged;
};

TEST(VerifyCheckFile, ParsesTheLinesCoreutilsAndXxhsumAccept) {
  const std::string md5(k_md5);
  const std::string sha(k_sha);
  const std::vector<GoodLine> lines = {
      {md5 + "  a.gguf", Algorithm::md5, "a.gguf", false},
      {md5 + " *a.gguf", Algorithm::md5, "a.gguf", false},
      {md5 + " a.gguf", Algorithm::md5, "a.gguf", false},
      {md5 + "\ta.gguf", Algorithm::md5, "a.gguf", false},
      {"  " + md5 + "  a.gguf", Algorithm::md5, "a.gguf", false},
      {md5 + "  a.gguf\r", Algorithm::md5, "a.gguf", false},
      {md5 + "  with  two spaces ", Algorithm::md5, "with  two spaces ", false},
      {md5 + "   lead", Algorithm::md5, " lead", false},
      {"900150983CD24FB0D6963F7D28E17F72  a", Algorithm::md5, "a", false},
      {sha + "  models/b.gguf", Algorithm::sha256, "models/b.gguf", false},
      {std::string(k_x64) + "  c", Algorithm::xxh64, "c", false},
      {"MD5 (a.gguf) = " + md5, Algorithm::md5, "a.gguf", true},
      {"MD5(a.gguf)= " + md5, Algorithm::md5, "a.gguf", true},
      {"MD5 (a.gguf) =" + md5, Algorithm::md5, "a.gguf", true},
      {"SHA256 (x (1).gguf) = " + sha, Algorithm::sha256, "x (1).gguf", true},
      {"SHA256 (odd) = name) = " + sha, Algorithm::sha256, "odd) = name", true},
      {"XXH128 (a) = " + md5, Algorithm::xxh128, "a", true},
      {"XXH64 (a) = " + std::string(k_x64), Algorithm::xxh64, "a", true},
      {"XXH3 (a) = " + std::string(k_x3), Algorithm::xxh3, "a", true},          // xxhsum 0.8.1 -H3
      {"XXH3_" + std::string(k_x3) + "  a b", Algorithm::xxh3, "a b", true},    // xxhsum 0.8.2 -H3
      {"\\" + md5 + "  new\\nline", Algorithm::md5, "new\nline", false},
      {"\\" + md5 + "  back\\\\slash\\r", Algorithm::md5, "back\\slash\r", false},
      {"\\MD5 (new\\nline) = " + md5, Algorithm::md5, "new\nline", true},
      {md5 + "  not\\escaped", Algorithm::md5, "not\\escaped", false},  // no leading backslash
  };
  for (const GoodLine& good : lines) {
    const ParsedLine parsed = parse_check_line(good.line);
    ASSERT_EQ(parsed.kind, LineKind::entry) << good.line;
    EXPECT_EQ(parsed.entry.algorithm, good.algorithm) << good.line;
    EXPECT_EQ(parsed.entry.file, good.file) << good.line;
    EXPECT_EQ(parsed.entry.tagged, good.tagged) << good.line;
    EXPECT_EQ(parsed.entry.hex.size(), info(good.algorithm).hex_length()) << good.line;
  }
  EXPECT_EQ(parse_check_line(std::string(md5) + "  a").entry.hex, k_md5);
  EXPECT_EQ(parse_check_line("900150983CD24FB0D6963F7D28E17F72  a").entry.hex, k_md5);
}

TEST(VerifyCheckFile, SkipsCommentsAndBlankLines) {
  for (const char* line : {"", "   ", "\r", "# a comment", "  # indented comment"}) {
    EXPECT_EQ(parse_check_line(line).kind, LineKind::skipped) << line;
  }
}

TEST(VerifyCheckFile, RejectsImproperlyFormattedLines) {
  const std::string md5(k_md5);
  for (const std::string& line : std::vector<std::string>{
           "garbage",
           md5,                                         // no file name
           md5 + "  ",                                  // empty file name
           md5.substr(1) + "  a",                       // 31 digits
           md5 + "0  a",                                // 33 digits
           "32d153ff  a",                               // XXH32 (8 digits): not supported
           "XXH32 (a) = 32d153ff",
           "XXH3 (a) = " + md5,                         // XXH3 is the 64-bit one
           "XXH3_" + md5 + "  a",
           "XXH3_78af5f94892f395  a",                   // 15 digits
           "XXH3_  a",
           "md5 (a) = " + md5,                          // tags are upper case
           "MD5 (a) = " + std::string(k_x64),           // tag and length disagree
           "MD5 () = " + md5,                           // empty name
           "MD5 (a = " + md5,                           // no closing parenthesis
           "MD5 (a) " + md5,                            // no '='
           "\\" + md5 + "  bad\\qescape",               // unknown escape
           "\\" + md5 + "  trailing\\",                 // lone backslash
       }) {
    EXPECT_EQ(parse_check_line(line).kind, LineKind::malformed) << line;
  }
}

TEST(VerifyCheckFile, ThirtyTwoDigitsAreEitherMd5OrXxh128UnlessSettled) {
  const std::string line = std::string(k_md5) + "  a";
  // md5sum reads such a line as MD5 and xxhsum -c as XXH3-128: both, unless something says.
  const ParsedLine open = parse_check_line(line);
  ASSERT_EQ(open.kind, LineKind::entry);
  EXPECT_EQ(open.entry.algorithm, Algorithm::md5);
  EXPECT_EQ(open.entry.alternative, Algorithm::xxh128);
  EXPECT_FALSE(open.entry.tagged);

  CheckParseOptions xxh;
  xxh.untagged_32 = Algorithm::xxh128;
  EXPECT_EQ(parse_check_line(line, xxh).entry.algorithm, Algorithm::xxh128);
  EXPECT_EQ(parse_check_line(line, xxh).entry.alternative, std::nullopt);
  EXPECT_EQ(parse_check_line(std::string(k_x64) + "  a", xxh).entry.algorithm, Algorithm::xxh64);
  EXPECT_EQ(parse_check_line("MD5 (a) = " + std::string(k_md5), xxh).entry.algorithm, Algorithm::md5);
  // tagged lines and other lengths are never ambiguous
  EXPECT_EQ(parse_check_line("MD5 (a) = " + std::string(k_md5)).entry.alternative, std::nullopt);
  EXPECT_EQ(parse_check_line("XXH128 (a) = " + std::string(k_md5)).entry.alternative, std::nullopt);
  EXPECT_EQ(parse_check_line(std::string(k_sha) + "  a").entry.alternative, std::nullopt);

  CheckParseOptions only_sha;
  only_sha.untagged = Algorithm::sha256;
  EXPECT_EQ(parse_check_line(line, only_sha).kind, LineKind::malformed);
  EXPECT_EQ(parse_check_line(std::string(k_sha) + "  a", only_sha).entry.algorithm, Algorithm::sha256);
  // a tag always wins over the option
  EXPECT_EQ(parse_check_line("MD5 (a) = " + std::string(k_md5), only_sha).entry.algorithm, Algorithm::md5);
  CheckParseOptions only_md5;
  only_md5.untagged = Algorithm::md5;
  EXPECT_EQ(parse_check_line(line, only_md5).entry.alternative, std::nullopt);

  EXPECT_EQ(check_options_for("model.xxh128").untagged_32, Algorithm::xxh128);
  EXPECT_EQ(check_options_for("dir/SUMS.xxh128sum").untagged_32, Algorithm::xxh128);
  EXPECT_EQ(check_options_for("XXH128SUMS").untagged_32, Algorithm::xxh128);
  EXPECT_EQ(check_options_for("model.md5").untagged_32, Algorithm::md5);
  EXPECT_EQ(check_options_for("dir/MD5SUMS").untagged_32, Algorithm::md5);
  EXPECT_EQ(check_options_for("md5sums.txt").untagged_32, Algorithm::md5);
  EXPECT_EQ(check_options_for("x.MD5").untagged_32, Algorithm::md5);
  EXPECT_EQ(check_options_for("-").untagged_32, std::nullopt);
  EXPECT_EQ(check_options_for("sums.txt").untagged_32, std::nullopt);
  EXPECT_EQ(check_options_for("SHA256SUMS").untagged_32, std::nullopt);
  EXPECT_EQ(check_options_for("md5/sums").untagged_32, std::nullopt);  // the directory says nothing
}

TEST(VerifyCheckFile, SixteenDigitsAreXxh64AsXxhsumReadsThem) {
  // xxhsum never writes XXH3-64 untagged (0.8.1 tags it, 0.8.2 writes XXH3_<hex>), so a plain
  // 16-digit line is XXH64, unless the caller says otherwise.
  const std::string line = std::string(k_x3) + "  a";
  EXPECT_EQ(parse_check_line(line).entry.algorithm, Algorithm::xxh64);
  EXPECT_EQ(parse_check_line(line).entry.alternative, std::nullopt);
  CheckParseOptions xxh3;
  xxh3.untagged = Algorithm::xxh3;
  EXPECT_EQ(parse_check_line(line, xxh3).entry.algorithm, Algorithm::xxh3);
  // the XXH3_ prefix says it whatever the options
  CheckParseOptions only_md5;
  only_md5.untagged = Algorithm::md5;
  const ParsedLine prefixed = parse_check_line("XXH3_" + std::string(k_x3) + "  a", only_md5);
  ASSERT_EQ(prefixed.kind, LineKind::entry);
  EXPECT_EQ(prefixed.entry.algorithm, Algorithm::xxh3);
  EXPECT_EQ(prefixed.entry.hex, k_x3);
}

TEST(VerifyCheckFile, ParsesWholeFilesWithLineNumbers) {
  const std::string text = "# made by hand\n" + std::string(k_md5) + "  a\n\nnonsense\r\n" +
                           "SHA256 (b) = " + std::string(k_sha) + "\r\n" + "tail without newline";
  const CheckFileContent content = parse_check_file(text);
  ASSERT_EQ(content.entries.size(), 2u);
  EXPECT_EQ(content.entries[0].line, 2u);
  EXPECT_EQ(content.entries[0].file, "a");
  EXPECT_EQ(content.entries[1].line, 5u);
  EXPECT_EQ(content.entries[1].file, "b");
  EXPECT_EQ(content.malformed_lines, (std::vector<std::size_t>{4, 6}));
  EXPECT_TRUE(parse_check_file("").entries.empty());
}

TEST(VerifyCheckFile, FormatsLinesThatParseBack) {
  EXPECT_EQ(format_check_line(Algorithm::md5, k_md5, "a.gguf", false),
            std::string(k_md5) + "  a.gguf\n");
  EXPECT_EQ(format_check_line(Algorithm::sha256, k_sha, "a.gguf", true),
            "SHA256 (a.gguf) = " + std::string(k_sha) + "\n");
  EXPECT_EQ(format_check_line(Algorithm::md5, k_md5, "new\nline", false),
            std::string("\\").append(k_md5).append("  new\\nline\n"));
  // md5sum escapes a backslash; xxhsum 0.8.1 does not and would not read `\\`: xxHash lines keep
  // it as it is, as xxhsum prints it, and escape only a newline or carriage return.
  EXPECT_EQ(format_check_line(Algorithm::md5, k_md5, "c:\\x", false),
            "\\" + std::string(k_md5) + "  c:\\\\x\n");
  EXPECT_EQ(format_check_line(Algorithm::sha256, k_sha, "c:\\x", true),
            "\\SHA256 (c:\\\\x) = " + std::string(k_sha) + "\n");
  EXPECT_EQ(format_check_line(Algorithm::xxh64, k_x64, "c:\\x", true),
            "XXH64 (c:\\x) = " + std::string(k_x64) + "\n");
  EXPECT_EQ(format_check_line(Algorithm::xxh128, k_md5, "c:\\x", false),
            std::string(k_md5) + "  c:\\x\n");
  EXPECT_EQ(format_check_line(Algorithm::xxh128, k_md5, "c:\\x\ny", false),
            "\\" + std::string(k_md5) + "  c:\\\\x\\ny\n");
  EXPECT_EQ(format_check_line(Algorithm::xxh64, k_x64, "cr\r", false),
            "\\" + std::string(k_x64) + "  cr\\r\n");
  // XXH3-64 lines are always tagged, as xxhsum -H3 prints them
  EXPECT_EQ(format_check_line(Algorithm::xxh3, k_x3, "a", false), "XXH3 (a) = " + std::string(k_x3) + "\n");
  EXPECT_EQ(format_check_line(Algorithm::xxh3, k_x3, "b\\s", true), "XXH3 (b\\s) = " + std::string(k_x3) + "\n");

  const std::vector<std::string> names = {"plain", "sp ace", "new\nline", "back\\slash", "cr\rlf",
                                          "paren) = x", " lead", "\\\\n", "*star", "#hash"};
  for (const AlgorithmInfo& row : algorithms()) {
    const std::string hex = digest_hex(row.id, {});
    for (const std::string& name : names) {
      for (const bool tagged : {false, true}) {
        std::string line = format_check_line(row.id, hex, name, tagged);
        ASSERT_EQ(line.back(), '\n');
        line.pop_back();
        CheckParseOptions options;
        options.untagged = row.id;
        const ParsedLine parsed = parse_check_line(line, options);
        ASSERT_EQ(parsed.kind, LineKind::entry) << line;
        EXPECT_EQ(parsed.entry.file, name) << line;
        EXPECT_EQ(parsed.entry.hex, hex) << line;
        EXPECT_EQ(parsed.entry.algorithm, row.id) << line;
      }
    }
  }
}

TEST(VerifyCheckFile, EscapesNamesTheCoreutilsWay) {
  bool needed = true;
  EXPECT_EQ(escape_file_name("plain name", needed), "plain name");
  EXPECT_FALSE(needed);
  EXPECT_EQ(escape_file_name("a\\b\nc\rd", needed), "a\\\\b\\nc\\rd");
  EXPECT_TRUE(needed);
  EXPECT_EQ(unescape_file_name("a\\\\b\\nc\\rd"), "a\\b\nc\rd");
  EXPECT_EQ(unescape_file_name("x\\t"), std::nullopt);
  EXPECT_EQ(unescape_file_name("x\\"), std::nullopt);
  EXPECT_EQ(display_name("a.gguf"), "a.gguf");
  EXPECT_EQ(display_name("new\nline"), "\\new\\nline");
  EXPECT_EQ(display_name("back\\slash"), "back\\slash");
  EXPECT_EQ(display_name("both\\and\n"), "\\both\\\\and\\n");
  // coreutils 9.1 shows a carriage return raw, unless the name also has a newline
  EXPECT_EQ(display_name("cr\rname.txt"), "cr\rname.txt");
  EXPECT_EQ(display_name("x\r\ny\\z"), "\\x\\r\\ny\\\\z");
}

TEST(VerifyCheckFile, QuotesNamesInDiagnosticsAsCoreutilsDoes) {
  // What md5sum 9.1 prints for "md5sum: NAME: No such file or directory" in a UTF-8 locale.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"plain.gguf", "plain.gguf"},
      {"dir/a-b_c+d,e%f@g]h{i}.gguf", "dir/a-b_c+d,e%f@g]h{i}.gguf"},
      {"caf\xc3\xa9.gguf", "caf\xc3\xa9.gguf"},
      {"a#b~c", "a#b~c"},
      {"", "''"},
      {"a b.gguf", "'a b.gguf'"},
      {"a:b", "'a:b'"},
      {"a*b", "'a*b'"},
      {"$x", "'$x'"},
      {"#x", "'#x'"},
      {"~x", "'~x'"},
      {"=x", "'=x'"},
      {"{", "'{'"},
      {"x{", "x{"},
      {"b\\x", "'b\\x'"},
      {"it's", "\"it's\""},
      {"'", "\"'\""},
      {"a'b c", "\"a'b c\""},
      {"a:b'c", "\"a:b'c\""},
      {"#'x", "\"#'x\""},
      {"it's \"q\"", "'it'\\''s \"q\"'"},
      {"a#b'c", "'a#b'\\''c'"},
      {"a'b$c", "'a'\\''b$c'"},
      {"a\\b'c", "'a\\b'\\''c'"},
      {"n\nx", "'n'$'\\n''x'"},
      {"c\rx", "'c'$'\\r''x'"},
      {"a\tb", "'a'$'\\t''b'"},
      {"\nx", "''$'\\n''x'"},
      {"a\n\nb", "'a'$'\\n\\n''b'"},
      {"a'\nb", "'a'\\'''$'\\n''b'"},
      {"a'\tb", "'a'\\'''$'\\t''b'"},
      {"a\x01" "b", "'a'$'\\001''b'"},
      {"a\x7f" "b", "'a'$'\\177''b'"},
      {"bad\xff", "'bad'$'\\377'"},
      {"caf\xc3\xa9 x", "'caf\xc3\xa9 x'"},
      {"\xc2\x85x", "''$'\\302\\205''x'"},  // U+0085, a C1 control
      {"a\xe2\x82", "'a'$'\\342\\202'"},    // incomplete at the end
  };
  for (const auto& [name, quoted] : cases) EXPECT_EQ(quote_name(name), quoted) << name;
  EXPECT_EQ(quote_name("a.gguf", true), "'a.gguf'");
  EXPECT_EQ(quote_name("it's", true), "\"it's\"");
  EXPECT_EQ(quote_name("a b", true), "'a b'");
}

}  // namespace
}  // namespace f32patch::verify
