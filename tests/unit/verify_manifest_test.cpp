// Per-tensor manifests: digests of each tensor's bytes through the mapping, the line format and
// its parser, and a comparison that names exactly the tensors that differ, are missing or are
// extra.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/verify/manifest.hpp>

#include "support/gguf_writer.hpp"
#include "support/temp_dir.hpp"

namespace f32patch::verify {
namespace {

using testing::GgufBuilder;
using testing::TempDir;

constexpr Algorithm k_two[] = {Algorithm::xxh128, Algorithm::sha256};

GgufBuilder small_model() {
  GgufBuilder b;
  b.kv_str("general.architecture", "gemma4");
  b.f32_tensor("token_embd.weight", {8, 4}, std::vector<float>(32, 0.25f));
  for (int layer = 0; layer < 4; ++layer) {
    std::vector<float> norm(16);
    for (std::size_t i = 0; i < norm.size(); ++i) norm[i] = static_cast<float>(layer) + 0.01f * static_cast<float>(i);
    b.f32_tensor("blk." + std::to_string(layer) + ".attn_norm.weight", {16}, norm);
    b.f32_tensor("blk." + std::to_string(layer) + ".layer_output_scale.weight", {1},
                 {0.5f + 0.1f * static_cast<float>(layer)});
  }
  b.tensor({"blk.0.attn_q.weight", 12, {256, 2}, {}, {}});  // Q4_K without data: zeros
  return b;
}

// Flips one byte of `tensor` in the file at `path`.
void flip_byte(const GgufBuilder& builder, const std::string& path, const std::string& tensor) {
  const auto offset = builder.tensor_file_offset(tensor);
  FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, static_cast<long>(offset), SEEK_SET);
  const int c = std::fgetc(f);
  std::fseek(f, static_cast<long>(offset), SEEK_SET);
  std::fputc(c ^ 0x40, f);
  std::fclose(f);
}

TEST(VerifyManifest, HashesEveryTensorsBytesInFileOrder) {
  TempDir dir;
  const GgufBuilder builder = small_model();
  builder.write(dir.file("m.gguf"));
  const auto model = gguf::Model::open(dir.file("m.gguf"));
  std::uint64_t last_done = 0;
  const auto tensors = hash_tensors(model, k_two, [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_LE(done, total);
    last_done = done;
  });
  ASSERT_EQ(tensors.size(), model.tensors().size());
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    const auto& info = model.tensors()[i];
    total += info.byte_size;
    EXPECT_EQ(tensors[i].tensor, info.name);
    ASSERT_EQ(tensors[i].digests.size(), 2u);
    const auto bytes = model.bytes().subspan(info.file_offset, info.byte_size);
    EXPECT_EQ(tensors[i].digests[0].hex, digest_hex(Algorithm::xxh128, bytes)) << info.name;
    EXPECT_EQ(tensors[i].digests[1].hex, digest_hex(Algorithm::sha256, bytes)) << info.name;
  }
  EXPECT_EQ(last_done, total);
}

TEST(VerifyManifest, FormatsAndParsesLines) {
  EXPECT_EQ(format_manifest_line(Algorithm::xxh64, "44bc2cf5ad770999", "m.gguf", "blk.0.x"),
            "xxh64  44bc2cf5ad770999  m.gguf:blk.0.x\n");
  EXPECT_EQ(format_manifest_line(Algorithm::xxh64, "44bc2cf5ad770999", "m.gguf", "odd\nname"),
            "\\xxh64  44bc2cf5ad770999  m.gguf:odd\\nname\n");
  const std::string text =
      "# comment\n"
      "xxh64  44bc2cf5ad770999  m.gguf:blk.0.x\n"
      "\n"
      "\\xxh64  44BC2CF5AD770999  m.gguf:odd\\nname\r\n"
      "xxh64     44bc2cf5ad770999  models/a:b.gguf:blk.1.y\n"  // llama-gguf-hash pads the type
      "xxh3      78af5f94892f3950  m.gguf:blk.0.x\n"          // XXH3-64, as f32patch's xxh3
      "uuid      1b6d1f34-0000-5000-8000-000000000000  m.gguf\n"  // whole model: skipped
      "sha256    ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  m.gguf\n";
  const Manifest manifest = parse_manifest(text, "m.manifest");
  ASSERT_EQ(manifest.entries.size(), 4u);
  EXPECT_EQ(manifest.skipped_lines, 2u);
  EXPECT_EQ(manifest.entries[0].file, "m.gguf");
  EXPECT_EQ(manifest.entries[0].tensor, "blk.0.x");
  EXPECT_EQ(manifest.entries[0].line, 2u);
  EXPECT_EQ(manifest.entries[1].tensor, "odd\nname");
  EXPECT_EQ(manifest.entries[1].hex, "44bc2cf5ad770999");
  EXPECT_EQ(manifest.entries[2].file, "models/a:b.gguf");
  EXPECT_EQ(manifest.entries[2].tensor, "blk.1.y");
  EXPECT_EQ(manifest.entries[3].algorithm, Algorithm::xxh3);
  EXPECT_EQ(manifest.entries[3].hex, "78af5f94892f3950");
  EXPECT_EQ(base_name("models/a:b.gguf"), "a:b.gguf");
  EXPECT_EQ(base_name("x.gguf"), "x.gguf");
}

TEST(VerifyManifest, RejectsMalformedLinesWithTheLineNumber) {
  for (const std::string& text : std::vector<std::string>{
           "xxh64\n", "xxh64  44bc2cf5ad770999\n", "\n\nxxh64  44bc2cf5  m.gguf:t\n",
           "md5  nothex-nothex-nothex-nothex-  m.gguf:t\n", "\\xxh64  44bc2cf5ad770999  m:bad\\q\n"}) {
    try {
      parse_manifest(text, "bad.manifest");
      FAIL() << "accepted: " << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::invalid_gguf);
      EXPECT_EQ(e.path(), "bad.manifest");
      EXPECT_NE(e.message().find("line "), std::string::npos);
    }
  }
}

TEST(VerifyManifest, NamesExactlyTheTensorsThatDiffer) {
  TempDir dir;
  const GgufBuilder builder = small_model();
  const std::string path = dir.file("m.gguf");
  builder.write(path);
  const std::string text = [&] {
    const auto model = gguf::Model::open(path);
    return format_manifest(hash_tensors(model, k_two), base_name(path));
  }();
  const Manifest manifest = parse_manifest(text, "m.manifest");
  ASSERT_EQ(manifest.entries.size(), 2 * 10u);
  {
    const auto model = gguf::Model::open(path);
    const ManifestReport report = compare_manifest(manifest, model, path);
    EXPECT_TRUE(report.ok());
    EXPECT_EQ(report.tensors_checked, 10u);
    EXPECT_FALSE(report.renamed);
  }
  flip_byte(builder, path, "blk.2.layer_output_scale.weight");
  flip_byte(builder, path, "blk.0.attn_q.weight");
  const auto model = gguf::Model::open(path);
  const ManifestReport report = compare_manifest(manifest, model, path);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].tensor, "blk.2.layer_output_scale.weight");
  EXPECT_EQ(report.problems[1].tensor, "blk.0.attn_q.weight");
  for (const TensorProblem& p : report.problems) {
    EXPECT_EQ(p.status, TensorStatus::differs);
    EXPECT_EQ(p.algorithm, Algorithm::xxh128);
    EXPECT_NE(p.expected, p.actual);
  }
}

TEST(VerifyManifest, ReportsMissingAndExtraTensors) {
  TempDir dir;
  const GgufBuilder builder = small_model();
  const std::string path = dir.file("m.gguf");
  builder.write(path);
  const auto model = gguf::Model::open(path);
  std::string text = format_manifest(hash_tensors(model, k_two), "m.gguf");
  // drop blk.1.attn_norm.weight's lines, add a tensor the file does not have
  std::string kept;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end + 1 - start);
    if (line.find(":blk.1.attn_norm.weight") == std::string::npos) kept += line;
    start = end + 1;
  }
  kept += "xxh128  00000000000000000000000000000000  m.gguf:blk.9.ghost.weight\n";
  const ManifestReport report = compare_manifest(parse_manifest(kept, "m.manifest"), model, path);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0].tensor, "blk.1.attn_norm.weight");
  EXPECT_EQ(report.problems[0].status, TensorStatus::extra);
  EXPECT_EQ(report.problems[1].tensor, "blk.9.ghost.weight");
  EXPECT_EQ(report.problems[1].status, TensorStatus::missing);
  EXPECT_EQ(report.tensors_checked, 9u);
}

TEST(VerifyManifest, MatchesByBaseNameAndToleratesARename) {
  TempDir dir;
  const GgufBuilder builder = small_model();
  builder.write(dir.file("renamed.gguf"));
  const auto model = gguf::Model::open(dir.file("renamed.gguf"));
  const std::string text = format_manifest(hash_tensors(model, k_two), "original.gguf");

  const ManifestReport renamed = compare_manifest(parse_manifest(text, "m"), model, dir.file("renamed.gguf"));
  EXPECT_TRUE(renamed.ok());
  EXPECT_TRUE(renamed.renamed);
  EXPECT_EQ(renamed.matched_file, "original.gguf");

  // Two files in the manifest, neither is this one: an error that lists them.
  const std::string two = text + format_manifest(hash_tensors(model, k_two), "other.gguf");
  try {
    compare_manifest(parse_manifest(two, "m"), model, dir.file("renamed.gguf"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::mismatch);
    EXPECT_NE(e.hint().find("original.gguf, other.gguf"), std::string::npos) << e.hint();
  }
  // ... and with the right name among them, only its lines are used.
  const std::string three = two + format_manifest(hash_tensors(model, k_two), "renamed.gguf");
  const ManifestReport exact =
      compare_manifest(parse_manifest("# x\n" + three, "m"), model, "some/dir/renamed.gguf");
  EXPECT_TRUE(exact.ok());
  EXPECT_FALSE(exact.renamed);
}

}  // namespace
}  // namespace f32patch::verify
