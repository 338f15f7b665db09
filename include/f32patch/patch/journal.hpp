// The backup journal: a small JSON file (docs/journal-format.md) that records, before a single
// byte of the model changes, everything needed to put every byte back: which file it belongs
// to (size + XXH3-128 of the header region), and per changed tensor its offset, original bytes
// and new bytes, with the recipes that produced them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/patch/recipe.hpp>

namespace f32patch::patch {

inline constexpr std::string_view journal_format_id = "f32patch-journal";
inline constexpr std::uint32_t journal_format_version = 1;
inline constexpr std::uint64_t journal_size_limit = 64ull << 20;

// What identifies a model file independently of its patchable bytes: its size and a digest of
// everything before the tensor data (header, metadata, tensor table), which no patch touches.
struct ModelIdentity {
  std::uint64_t file_size = 0;
  std::uint64_t header_bytes = 0;  // the data offset
  std::string header_xxh128;       // hex
  friend bool operator==(const ModelIdentity&, const ModelIdentity&) = default;
};
ModelIdentity model_identity(const gguf::Model& model);

struct JournalTarget {
  std::string tensor;
  std::uint32_t layer = 0;
  std::uint64_t offset = 0;             // absolute file offset
  std::vector<std::byte> original;      // bytes of the pristine file
  std::vector<std::byte> patched;       // bytes after the recorded recipes
  double multiplier = 1.0;              // original -> patched (product of stacked recipes)
  std::string recipe;                   // the recipes that produced `patched`: "l25l26", "a + b"
};

struct JournalRecipe {
  std::string name;
  std::string origin;
  std::string tensor_suffix;
  std::vector<LayerMultiplier> multipliers;
  std::string fingerprint() const;
};

struct Journal {
  ModelIdentity identity;
  std::string model_path;               // the model's canonical path when the journal was written
  std::string byte_order;               // "little" / "big"
  std::string created;                  // UTC, ISO 8601
  std::string tool;                     // "f32patch 0.1.0"
  std::vector<JournalRecipe> recipes;   // applied in this order (several only with --stack)
  std::vector<JournalTarget> targets;
  // "original" / "patched" -> algorithm -> hex digest of the whole file (apply --verify)
  std::map<std::string, std::map<std::string, std::string>> digests;

  const JournalTarget* find(std::string_view tensor) const;
  std::string to_json() const;
  // Throws Error{state_conflict} naming `path` for anything that is not a journal of this format.
  static Journal from_json(std::string_view text, const std::string& path);
};

JournalRecipe journal_recipe(const Recipe& recipe);

// Why `journal` cannot describe `model` although the identity matches (a journal edited by
// hand, or written by a buggy tool): a target that is not an F32 tensor of this file at its
// offset and size. Empty when every target is one.
std::string journal_mismatch(const gguf::Model& model, const Journal& journal);

}  // namespace f32patch::patch
