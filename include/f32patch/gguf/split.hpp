// What a file says about being one shard of a split model (gguf-split, gguf-format.md §5):
// split.no (u16, 0-based), split.count (u16) and split.tensors.count (i32), read with exact
// types by llama.cpp, which also finds the other shards by the file-name suffix
// -NNNNN-of-MMMMM.gguf. Each shard is a complete GGUF file, so an inconsistent value is a
// problem to report, never a reason to refuse reading the file. f32patch patches one file at a
// time and does not assemble split sets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <f32patch/gguf/reader.hpp>

namespace f32patch::gguf {

struct SplitInfo {
  // The values when present and non-negative integers (of any integer type); nullopt otherwise.
  std::optional<std::uint64_t> no;             // split.no
  std::optional<std::uint64_t> count;          // split.count
  std::optional<std::uint64_t> tensors_count;  // split.tensors.count
  // The name llama.cpp expects for this shard, "<prefix>-00001-of-00003.gguf", when the file's
  // own name has the -NNNNN-of-MMMMM.gguf suffix to take the prefix from and no/count are
  // consistent; empty otherwise.
  std::string expected_file_name;
  // Each inconsistency as a sentence (wrong type, split.count 0, split.no >= split.count,
  // a missing key, a total below this shard's own tensors, a file name that disagrees).
  std::vector<std::string> problems;

  // split.no and split.count are present and split.no < split.count.
  bool consistent() const noexcept { return no && count && *no < *count; }
};

// nullopt when the file has none of the three split.* keys.
std::optional<SplitInfo> split_info(const Model& model);

}  // namespace f32patch::gguf
