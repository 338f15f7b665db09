#include <f32patch/gguf/layers.hpp>

#include <charconv>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>

namespace f32patch::gguf {

namespace {
// Layers beyond this are not shown or planned for; a block count above it is implausible.
constexpr std::uint64_t k_max_layer_rows = 1u << 16;
}  // namespace

std::string_view to_string(AttentionKind kind) noexcept {
  switch (kind) {
    case AttentionKind::full: return "full";
    case AttentionKind::sliding: return "sliding";
    case AttentionKind::unknown: break;
  }
  return "unknown";
}

std::uint64_t LayerMap::layer_rows() const {
  std::uint64_t rows = block_count.value_or(0);
  if (!tensors.empty()) rows = std::max<std::uint64_t>(rows, std::uint64_t{tensors.rbegin()->first} + 1);
  return std::min(rows, k_max_layer_rows);
}

std::optional<std::uint32_t> parse_layer_name(std::string_view name, std::string_view suffix) {
  constexpr std::string_view prefix = "blk.";
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  const auto dot = name.find('.');
  if (dot == std::string_view::npos || name.substr(dot + 1) != suffix) return std::nullopt;
  const std::string_view digits = name.substr(0, dot);
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return std::nullopt;
  std::uint32_t layer = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), layer);
  if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return layer;
}

AttentionLayout attention_layout(const Model& model, std::optional<std::uint64_t> block_count) {
  AttentionLayout layout;
  const auto arch = model.architecture();
  if (arch.empty()) {
    layout.note = "no general.architecture key, so no attention pattern";
    return layout;
  }
  layout.source = fmt::format("{}.attention.sliding_window_pattern", arch);
  const Value* value = model.find(layout.source);
  const std::uint64_t rows = std::min(block_count.value_or(0), k_max_layer_rows);
  if (value == nullptr) {
    layout.note = fmt::format("no {} key", layout.source);
    layout.source.clear();
    return layout;
  }
  layout.kinds.assign(rows, AttentionKind::unknown);
  if (const ArrayView* array = value->as_array()) {
    const bool numeric = array->element_type != ValueType::string;
    if (!numeric) {
      layout.note = fmt::format("{} is an array of strings, expected bools", layout.source);
    } else if (!block_count || array->count != *block_count) {
      layout.note = fmt::format("{} has {} entries, expected block_count ({})", layout.source, array->count,
                                block_count ? fmt::to_string(*block_count) : std::string("absent"));
    } else {
      for (std::uint64_t i = 0; i < rows; ++i) {
        layout.kinds[i] = model.array_bool(*array, i) ? AttentionKind::sliding : AttentionKind::full;
      }
    }
    return layout;
  }
  const auto scalar = value->as_uint();
  if (!scalar) {
    layout.note = fmt::format("{} has type {}, expected an array of bools", layout.source,
                              value_type_name(value->type));
    return layout;
  }
  if (arch == "gemma4") {
    // llama.cpp's gemma4 loader copies a scalar into every layer's is_swa flag.
    for (auto& kind : layout.kinds) kind = *scalar != 0 ? AttentionKind::sliding : AttentionKind::full;
    layout.note = fmt::format("{} is a scalar ({}); gemma4 applies it to every layer, which is almost "
                              "certainly not what the converter meant (expected a bool array)",
                              layout.source, *scalar);
  } else if (*scalar > 0) {
    // A period n: every n-th layer is full attention, the others sliding.
    for (std::uint64_t i = 0; i < rows; ++i) {
      layout.kinds[i] = (i + 1) % *scalar == 0 ? AttentionKind::full : AttentionKind::sliding;
    }
  }
  return layout;
}

LayerMap map_layers(const Model& model, std::string_view suffix) {
  LayerMap map;
  map.suffix = std::string(suffix);
  map.block_count = model.block_count();
  for (const TensorInfo& tensor : model.tensors()) {
    if (const auto layer = parse_layer_name(tensor.name, suffix)) map.tensors.emplace(*layer, &tensor);
  }
  map.attention = attention_layout(model, map.block_count);
  return map;
}

void check_patchable(const Model& model, const LayerMap& layers) {
  for (const auto& [layer, tensor] : layers.tensors) {
    if (tensor->type != TensorType::F32) {
      throw Error(ErrorCode::invalid_gguf, model.path(),
                  fmt::format("tensor '{}' has type {}, expected F32", tensor->name, tensor_type_name(tensor->type)),
                  "f32patch multiplies F32 tensors only; quantized tensors cannot be scaled in place");
    }
    if (layers.block_count && layer >= *layers.block_count) {
      throw Error(ErrorCode::invalid_gguf, model.path(),
                  fmt::format("tensor '{}' names layer {}, but {}.block_count is {}", tensor->name, layer,
                              model.architecture(), *layers.block_count));
    }
  }
}

}  // namespace f32patch::gguf
