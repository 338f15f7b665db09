// Per-layer views of a model: which tensor `blk.<N>.<suffix>` belongs to each layer, how many
// blocks the model declares, and each layer's attention kind. This is what the patch engine
// targets and what `inspect` prints one row per layer for.
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

enum class AttentionKind { unknown, full, sliding };
std::string_view to_string(AttentionKind kind) noexcept;

struct AttentionLayout {
  std::vector<AttentionKind> kinds;  // one per layer, block_count long (empty without one)
  std::string source;                // the key it came from, e.g. "gemma4.attention.sliding_window_pattern"
  std::string note;                  // why kinds are unknown or unusual, for a warning; empty if fine
};

struct LayerMap {
  std::string suffix;
  std::optional<std::uint64_t> block_count;     // <arch>.block_count
  std::map<std::uint32_t, const TensorInfo*> tensors;  // layer -> blk.<layer>.<suffix>
  AttentionLayout attention;

  // The number of layer rows to show: block_count, or one past the highest layer found.
  std::uint64_t layer_rows() const;
};

// The layer number of `name` when it is exactly "blk.<N>.<suffix>" with N plain decimal
// (no sign, no leading zeros, below 2^32).
std::optional<std::uint32_t> parse_layer_name(std::string_view name, std::string_view suffix);

// Collects blk.<N>.<suffix> for every N and the attention layout. Never throws for content:
// the checks a patch needs are in check_patchable().
LayerMap map_layers(const Model& model, std::string_view suffix = default_target_suffix);

// Throws Error{invalid_gguf} naming the tensor unless every mapped tensor is F32, and each
// layer number is below block_count when the model declares one.
void check_patchable(const Model& model, const LayerMap& layers);

// Reads <arch>.attention.sliding_window_pattern. Gemma 4 writes a bool array of block_count
// entries (true = sliding); integer arrays are read the same way. A scalar is reported with a
// note: Gemma 4 copies its raw value into every layer, other architectures treat it as a period.
AttentionLayout attention_layout(const Model& model, std::optional<std::uint64_t> block_count);

}  // namespace f32patch::gguf
