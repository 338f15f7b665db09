// Per-layer views of a model: which tensor `blk.<N>.<suffix>` belongs to each layer, how many
// blocks the model declares, and each layer's attention kind. This is what the patch engine
// targets and what `inspect` prints one row per layer for.
//
// Notes (AttentionLayout::note, LayerMap::note) are sentences for people: any key, name or
// architecture they quote is escaped for display (gguf/text.hpp), never raw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/gguf/reader.hpp>

namespace f32patch::gguf {

inline constexpr std::string_view default_target_suffix = "layer_output_scale.weight";

// The layer table lays out one row per block only for a plausible block count: at most
// max_table_blocks, and at most max(blocks_without_tensors, the file's tensor count), since a
// real model has at least one tensor per block. A larger count is reported, not laid out.
inline constexpr std::uint64_t max_table_blocks = 65536;
inline constexpr std::uint64_t blocks_without_tensors = 256;

enum class AttentionKind { unknown, full, sliding };
std::string_view to_string(AttentionKind kind) noexcept;

struct AttentionLayout {
  std::vector<AttentionKind> kinds;  // one per layer, block_count long (empty without a plausible one)
  std::string source;                // the key it came from, e.g. "gemma4.attention.sliding_window_pattern"
                                     // (raw bytes); empty when the key is absent
  std::string note;                  // why kinds are unknown or unusual, for a warning; empty if fine
};

struct LayerRow {
  std::uint64_t layer = 0;
  AttentionKind attention = AttentionKind::unknown;
  const TensorInfo* tensor = nullptr;  // nullptr: the file has no blk.<layer>.<suffix>
  bool beyond_block_count = false;     // the tensor names a layer >= block_count (apply refuses it)
};

struct LayerMap {
  std::string suffix;
  std::optional<std::uint64_t> block_count;     // <arch>.block_count, as declared
  std::optional<std::uint64_t> table_blocks;    // block_count when plausible (see above)
  std::string note;                             // why block_count is not laid out; empty if it is
  std::map<std::uint32_t, const TensorInfo*> tensors;  // layer -> blk.<layer>.<suffix>
  AttentionLayout attention;

  // The rows of the layer table, by layer: 0 .. table_blocks-1 (absent tensors included), then
  // every present target at or beyond table_blocks. Never more rows than table_blocks plus
  // the targets, so a huge block_count or layer number cannot flood the output.
  std::vector<LayerRow> rows() const;
  // Targets whose layer is >= block_count (when the model declares one).
  std::size_t beyond_block_count() const;
};

// The layer number of `name` when it is exactly "blk.<N>.<suffix>" with N plain decimal
// (no sign, no leading zeros, below 2^32).
std::optional<std::uint32_t> parse_layer_name(std::string_view name, std::string_view suffix);

// <arch>.block_count when it is plausible for laying out one row per block (see above);
// nullopt when absent or implausible, with the reason in `*why` for an implausible one.
std::optional<std::uint64_t> plausible_block_count(const Model& model, std::string* why = nullptr);

// Collects blk.<N>.<suffix> for every N and the attention layout. Never throws for content:
// the checks a patch needs are in check_patchable().
LayerMap map_layers(const Model& model, std::string_view suffix = default_target_suffix);

// Throws Error{invalid_gguf} naming the tensor unless every mapped tensor is F32, and each
// layer number is below block_count when the model declares one.
void check_patchable(const Model& model, const LayerMap& layers);

// Reads <arch>.attention.sliding_window_pattern for the plausible block count. Gemma 4 writes
// a bool array of block_count entries (true = sliding); integer arrays are read the same way
// (non-zero = sliding). Arrays of floats or strings leave the kinds unknown, with a note. A
// scalar always comes with a note: gemma4 (like llama.cpp) applies it to every layer; other
// architectures read a positive scalar as a period (every N-th layer full), and 0 as unknown.
AttentionLayout attention_layout(const Model& model);

}  // namespace f32patch::gguf
