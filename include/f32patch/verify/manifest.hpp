// Per-tensor manifests: one digest per tensor, so a damaged or modified file can be narrowed
// down to the tensors that differ instead of being re-downloaded whole.
//
//   <algo>  <hex>  <file>:<tensor>
//
// <algo> is a name from the algorithm table (md5, sha256, xxh128, xxh64, xxh3), <hex> the
// digest of the tensor's data bytes exactly as stored (header and padding excluded), <file> the
// model's base name and <tensor> the tensor name. Lines come in file order, one per tensor and
// algorithm. Names with a backslash, newline or carriage return are escaped as in check files
// (the line starts with `\`). docs/manifest-format.md has the details and the rules for
// reading llama-gguf-hash output.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/verify/algorithm.hpp>
#include <f32patch/verify/hasher.hpp>

namespace f32patch::verify {

struct TensorDigests {
  std::string tensor;
  std::vector<NamedDigest> digests;  // in the order the algorithms were given
};

// Digests of every tensor's data, read through the model's mapping, tensors spread over the
// available cores. Result in file (tensor-info) order. `progress` gets tensor bytes done and the
// total, on the calling thread; it may throw to stop.
std::vector<TensorDigests> hash_tensors(const gguf::Model& model,
                                        std::span<const Algorithm> algorithms,
                                        const ProgressFn& progress = {});

// One manifest line ending in '\n'.
std::string format_manifest_line(Algorithm algorithm, std::string_view hex, std::string_view file,
                                 std::string_view tensor);
// The whole manifest of a model: lines for each tensor, each algorithm, in file order.
std::string format_manifest(const std::vector<TensorDigests>& tensors, std::string_view file);

// The last path component ("a/b/x.gguf" -> "x.gguf").
std::string base_name(std::string_view path);

struct ManifestEntry {
  Algorithm algorithm = Algorithm::md5;
  std::string hex;      // lower case
  std::string file;     // as written (a base name in f32patch's manifests)
  std::string tensor;
  std::size_t line = 0;
};

struct Manifest {
  std::vector<ManifestEntry> entries;
  // Lines skipped because they are not per-tensor lines f32patch can check: an algorithm it
  // does not compute (llama-gguf-hash's sha1, uuid) or a whole-model line with no tensor.
  std::size_t skipped_lines = 0;
};

// Parses a manifest; `name` is used in errors. Blank lines and `#` comments are skipped. A line
// that is not `<algo> <hex> <file>:<tensor>` (blanks between the fields), or whose hex does not
// fit its algorithm, throws Error{invalid_gguf} naming `name` and the line number.
Manifest parse_manifest(std::string_view text, const std::string& name);

enum class TensorStatus { differs, missing, extra };

struct TensorProblem {
  std::string tensor;
  TensorStatus status = TensorStatus::differs;
  Algorithm algorithm = Algorithm::md5;  // differs: the digest that differs
  std::string expected;                  // differs: the manifest's hex
  std::string actual;                    // differs: the file's hex
};

struct ManifestReport {
  std::string matched_file;     // the manifest's file name the entries were taken from
  bool renamed = false;         // the manifest names one other file, taken to be this one
  std::size_t tensors_checked = 0;
  std::vector<TensorProblem> problems;  // differs and extra in file order, then missing

  bool ok() const noexcept { return problems.empty(); }
};

// Checks `model` against the entries of `manifest` whose file base name is the base name of
// `file`; when there are none and the manifest names exactly one file, against those (a
// renamed file). Every tensor of the model with entries is hashed once with every algorithm
// its entries use. Throws Error{mismatch} when the manifest names several files and none is
// this one.
ManifestReport compare_manifest(const Manifest& manifest, const gguf::Model& model,
                                std::string_view file, const ProgressFn& progress = {});

}  // namespace f32patch::verify
