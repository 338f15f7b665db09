#include <f32patch/gguf/layers.hpp>

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>

namespace f32patch::gguf {

namespace {

// "1st", "2nd", "3rd", "4th", "11th", ...
std::string ordinal(std::uint64_t n) {
  const std::uint64_t tens = n % 100;
  const std::uint64_t ones = n % 10;
  const char* suffix = (tens >= 11 && tens <= 13) ? "th" : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
  return fmt::format("{}{}", n, suffix);
}

}  // namespace

std::string_view to_string(AttentionKind kind) noexcept {
  switch (kind) {
    case AttentionKind::full: return "full";
    case AttentionKind::sliding: return "sliding";
    case AttentionKind::unknown: break;
  }
  return "unknown";
}

std::vector<LayerRow> LayerMap::rows() const {
  const std::uint64_t blocks = table_blocks.value_or(0);
  auto kind_of = [&](std::uint64_t layer) {
    return layer < attention.kinds.size() ? attention.kinds[layer] : AttentionKind::unknown;
  };
  std::vector<LayerRow> out;
  out.reserve(static_cast<std::size_t>(blocks) + tensors.size());
  for (std::uint64_t layer = 0; layer < blocks; ++layer) {
    const auto it = tensors.find(static_cast<std::uint32_t>(layer));
    out.push_back({layer, kind_of(layer), it == tensors.end() ? nullptr : it->second, false});
  }
  // table_blocks is at most max_table_blocks, so it fits a layer number.
  for (auto it = tensors.lower_bound(static_cast<std::uint32_t>(blocks)); it != tensors.end(); ++it) {
    out.push_back({it->first, kind_of(it->first), it->second, block_count && it->first >= *block_count});
  }
  return out;
}

std::size_t LayerMap::beyond_block_count() const {
  if (!block_count) return 0;
  return static_cast<std::size_t>(std::count_if(tensors.begin(), tensors.end(),
                                                [&](const auto& entry) { return entry.first >= *block_count; }));
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

std::optional<std::uint64_t> plausible_block_count(const Model& model, std::string* why) {
  const auto blocks = model.block_count();
  if (!blocks) return std::nullopt;
  const std::uint64_t tensors = model.tensors().size();
  const std::uint64_t limit = std::min(max_table_blocks, std::max(blocks_without_tensors, tensors));
  if (*blocks <= limit) return blocks;
  if (why != nullptr) {
    *why = fmt::format("{}.block_count is {}, implausible for a file of {} tensors (expected at most {}); "
                       "the layer table lists only the layers that have a tensor",
                       display_text(model.architecture()), *blocks, tensors, limit);
  }
  return std::nullopt;
}

AttentionLayout attention_layout(const Model& model) {
  AttentionLayout layout;
  const auto arch = model.architecture();
  if (arch.empty()) {
    layout.note = "no general.architecture key, so no attention pattern";
    return layout;
  }
  layout.source = fmt::format("{}.attention.sliding_window_pattern", arch);
  const std::string shown = display_text(layout.source);
  const Value* value = model.find(layout.source);
  if (value == nullptr) {
    layout.note = fmt::format("no {} key", shown);
    layout.source.clear();
    return layout;
  }
  const auto declared = model.block_count();
  const auto blocks = plausible_block_count(model);
  if (!blocks) {
    layout.note = declared
        ? fmt::format("attention kinds unknown: {}.block_count ({}) is implausible", display_text(arch), *declared)
        : fmt::format("attention kinds unknown: no {}.block_count to lay {} out over", display_text(arch), shown);
    return layout;
  }
  layout.kinds.assign(static_cast<std::size_t>(*blocks), AttentionKind::unknown);

  if (const ArrayView* array = value->as_array()) {
    const ValueType element = array->element_type;
    if (element == ValueType::string || element == ValueType::float32 || element == ValueType::float64) {
      layout.note = fmt::format("attention kinds unknown: {} is an array of {}, expected bool", shown,
                                value_type_name(element));
    } else if (array->count != *blocks) {
      layout.note = fmt::format("{} has {} entries, expected block_count ({})", shown, array->count, *blocks);
    } else {
      for (std::uint64_t i = 0; i < *blocks; ++i) {
        layout.kinds[i] = model.array_bool(*array, i) ? AttentionKind::sliding : AttentionKind::full;
      }
    }
    return layout;
  }

  const auto scalar = value->as_uint();
  const auto negative = value->as_int();
  if (!scalar) {
    layout.note = negative
        ? fmt::format("attention kinds unknown: {} is {}, expected an array of bools", shown, *negative)
        : fmt::format("attention kinds unknown: {} has type {}, expected an array of bools", shown,
                      value_type_name(value->type));
    return layout;
  }
  if (arch == "gemma4") {
    // llama.cpp's gemma4 loader copies a scalar into every layer's is_swa flag.
    for (auto& kind : layout.kinds) kind = *scalar != 0 ? AttentionKind::sliding : AttentionKind::full;
    layout.note = fmt::format("{} is a scalar ({}); gemma4 applies it to every layer, which is almost "
                              "certainly not what the converter meant (expected a bool array)",
                              shown, *scalar);
  } else if (*scalar == 0) {
    layout.note = fmt::format("attention kinds unknown: {} is a scalar 0, which is no period "
                              "(expected an array of bools, or a period of 1 or more)", shown);
  } else {
    // A period n: every n-th layer is full attention, the others sliding.
    for (std::uint64_t i = 0; i < *blocks; ++i) {
      layout.kinds[i] = (i + 1) % *scalar == 0 ? AttentionKind::full : AttentionKind::sliding;
    }
    layout.note = fmt::format("{} is a scalar ({}), read as a period: every {} layer full, the others "
                              "sliding (Gemma 4 writes an array of bools)",
                              shown, *scalar, ordinal(*scalar));
  }
  return layout;
}

LayerMap map_layers(const Model& model, std::string_view suffix) {
  LayerMap map;
  map.suffix = std::string(suffix);
  map.block_count = model.block_count();
  map.table_blocks = plausible_block_count(model, &map.note);
  for (const TensorInfo& tensor : model.tensors()) {
    if (const auto layer = parse_layer_name(tensor.name, suffix)) map.tensors.emplace(*layer, &tensor);
  }
  map.attention = attention_layout(model);
  return map;
}

void check_patchable(const Model& model, const LayerMap& layers) {
  for (const auto& [layer, tensor] : layers.tensors) {
    if (tensor->type != TensorType::F32) {
      throw Error(ErrorCode::invalid_gguf, model.path(),
                  fmt::format("tensor {} has type {}, expected F32", quoted(tensor->name), tensor_type_name(tensor->type)),
                  "f32patch multiplies F32 tensors only; quantized tensors cannot be scaled in place");
    }
    if (layers.block_count && layer >= *layers.block_count) {
      throw Error(ErrorCode::invalid_gguf, model.path(),
                  fmt::format("tensor {} names layer {}, but {}.block_count is {}", quoted(tensor->name), layer,
                              display_text(model.architecture()), *layers.block_count));
    }
  }
}

}  // namespace f32patch::gguf
