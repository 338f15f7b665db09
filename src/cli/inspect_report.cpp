#include "inspect_report.hpp"

#include "text_format.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <iterator>

#include <fmt/format.h>

namespace f32patch::cli {

namespace {

constexpr std::size_t k_short_string = 60;    // characters shown of a long string without --full
constexpr std::uint64_t k_array_preview = 6;  // elements shown of an array without --full

std::string shape_text(const gguf::TensorInfo& tensor) {
  return fmt::format("[{}]", fmt::join(tensor.shape(), ", "));
}

std::string type_text(const gguf::Value& value) {
  if (const auto* array = value.as_array()) {
    return fmt::format("arr[{},{}]", gguf::value_type_name(array->element_type), array->count);
  }
  return std::string(gguf::value_type_name(value.type));
}

std::string scalar_text(const gguf::Value& value, bool full) {
  if (const auto s = value.as_string()) {
    return fmt::format("\"{}\"", escape_for_display(*s, full ? 0 : k_short_string));
  }
  if (const auto b = value.as_bool()) return *b ? "true" : "false";
  if (const auto d = value.as_float()) {
    return value.type == gguf::ValueType::float32 ? fmt::format("{}", static_cast<float>(*d)) : fmt::format("{}", *d);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return fmt::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value.data)) return fmt::to_string(*u);
  return {};
}

std::string array_element_text(const gguf::Model& model, const gguf::ArrayView& array, std::uint64_t i) {
  switch (array.element_type) {
    case gguf::ValueType::float32: return fmt::format("{}", static_cast<float>(model.array_float(array, i)));
    case gguf::ValueType::float64: return fmt::format("{}", model.array_float(array, i));
    case gguf::ValueType::boolean: return model.array_bool(array, i) ? "true" : "false";
    case gguf::ValueType::uint64: return fmt::to_string(static_cast<std::uint64_t>(model.array_int(array, i)));
    default: return fmt::to_string(model.array_int(array, i));
  }
}

std::string array_text(const gguf::Model& model, const gguf::ArrayView& array, bool full) {
  const std::uint64_t shown = full ? array.count : std::min(array.count, k_array_preview);
  std::vector<std::string> items;
  items.reserve(static_cast<std::size_t>(shown));
  if (array.element_type == gguf::ValueType::string) {
    for (const auto s : model.array_strings(array, shown)) {
      items.push_back(fmt::format("\"{}\"", escape_for_display(s, full ? 0 : 24)));
    }
  } else {
    for (std::uint64_t i = 0; i < shown; ++i) items.push_back(array_element_text(model, array, i));
  }
  const std::string more = shown < array.count ? fmt::format(", … {} more", array.count - shown) : "";
  return fmt::format("[{}{}]", fmt::join(items, ", "), more);
}

struct LayerRow {
  std::uint64_t layer;
  gguf::AttentionKind attention;
  const gguf::TensorInfo* tensor;
};

std::vector<LayerRow> layer_rows(const gguf::LayerMap& layers) {
  std::vector<LayerRow> rows;
  for (std::uint64_t layer = 0; layer < layers.layer_rows(); ++layer) {
    const auto kind = layer < layers.attention.kinds.size() ? layers.attention.kinds[layer] : gguf::AttentionKind::unknown;
    const auto it = layers.tensors.find(static_cast<std::uint32_t>(layer));
    rows.push_back({layer, kind, it == layers.tensors.end() ? nullptr : it->second});
  }
  return rows;
}

std::string attention_summary(const gguf::LayerMap& layers) {
  const auto& kinds = layers.attention.kinds;
  if (kinds.empty() || std::all_of(kinds.begin(), kinds.end(), [](auto k) { return k == gguf::AttentionKind::unknown; })) {
    return layers.attention.note.empty() ? "unknown" : fmt::format("unknown ({})", layers.attention.note);
  }
  const auto sliding = std::count(kinds.begin(), kinds.end(), gguf::AttentionKind::sliding);
  const auto full = std::count(kinds.begin(), kinds.end(), gguf::AttentionKind::full);
  return fmt::format("{} sliding, {} full ({})", sliding, full, layers.attention.source);
}

std::optional<std::uint64_t> uint_key(const gguf::Model& model, std::string_view key) {
  const auto* value = model.find(key);
  return value ? value->as_uint() : std::nullopt;
}

std::string string_key(const gguf::Model& model, std::string_view key) {
  const auto* value = model.find(key);
  return value ? std::string(value->as_string().value_or("")) : std::string();
}

}  // namespace

std::string inspect_text(const gguf::Model& model, const gguf::LayerMap& layers, const InspectOptions& options) {
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    fmt::format_to(std::back_inserter(out), "{:<14}{}\n", fmt::format("{}:", label), value);
  };
  line("file", model.path());
  line("architecture", model.architecture().empty() ? "(none)" : std::string(model.architecture()));
  if (const auto name = string_key(model, "general.name"); !name.empty()) line("name", escape_for_display(name, 80));
  line("format", fmt::format("GGUF v{}, {}", model.version(), to_string(model.byte_order())));
  line("file size", fmt::format("{} bytes ({})", model.file_size(), human_bytes(model.file_size())));
  line("tensors", fmt::to_string(model.tensors().size()));
  line("metadata", fmt::format("{} keys", model.metadata().size()));
  line("alignment", fmt::to_string(model.alignment()));
  line("data offset", fmt::to_string(model.data_offset()));
  line("block count", layers.block_count ? fmt::to_string(*layers.block_count) : "(none)");
  if (const auto count = uint_key(model, "split.count")) {
    line("split", fmt::format("shard {} of {}, {} tensors in all", uint_key(model, "split.no").value_or(0) + 1, *count,
                              uint_key(model, "split.tensors.count").value_or(0)));
  }
  line("attention", attention_summary(layers));
  line("targets", fmt::format("{} tensors blk.N.{}", layers.tensors.size(), layers.suffix));

  const auto rows = layer_rows(layers);
  if (!rows.empty()) {
    fmt::format_to(std::back_inserter(out), "\n{:>5}  {:<9}  {:>12}  {:<16}  {}\n", "layer", "attention", "offset",
                   "value", "bits");
    for (const auto& row : rows) {
      std::string offset = "-", value = "(absent)", bits = "-";
      if (row.tensor != nullptr) {
        offset = fmt::to_string(row.tensor->file_offset);
        if (row.tensor->type != gguf::TensorType::F32) {
          value = fmt::format("({}, not F32)", gguf::tensor_type_name(row.tensor->type));
        } else if (row.tensor->element_count == 0) {
          value = "(empty)";
        } else {
          value = fmt::format("{}", model.read_f32(*row.tensor));
          if (row.tensor->element_count > 1) value += fmt::format(" (+{})", row.tensor->element_count - 1);
          bits = hex_bits(model.read_f32_bits(*row.tensor));
        }
      }
      fmt::format_to(std::back_inserter(out), "{:>5}  {:<9}  {:>12}  {:<16}  {}\n", row.layer, to_string(row.attention),
                     offset, value, bits);
    }
  }

  if (options.metadata) {
    std::size_t width = 0;
    for (const auto& entry : model.metadata()) width = std::max(width, entry.key.size());
    fmt::format_to(std::back_inserter(out), "\n{:<{}}  {:<18}  {}\n", "key", width, "type", "value");
    for (const auto& entry : model.metadata()) {
      const auto* array = entry.value.as_array();
      const std::string value = array ? array_text(model, *array, options.full) : scalar_text(entry.value, options.full);
      fmt::format_to(std::back_inserter(out), "{:<{}}  {:<18}  {}\n", escape_for_display(entry.key, 0), width,
                     type_text(entry.value), value);
    }
  }

  if (options.tensors) {
    std::size_t width = 4;
    for (const auto& tensor : model.tensors()) width = std::max(width, tensor.name.size());
    fmt::format_to(std::back_inserter(out), "\n{:>5}  {:<{}}  {:<8}  {:<22}  {:>12}  {:>12}\n", "#", "name", width,
                   "type", "shape", "offset", "bytes");
    for (const auto& tensor : model.tensors()) {
      fmt::format_to(std::back_inserter(out), "{:>5}  {:<{}}  {:<8}  {:<22}  {:>12}  {:>12}\n", tensor.index,
                     escape_for_display(tensor.name, 0), width, gguf::tensor_type_name(tensor.type), shape_text(tensor),
                     tensor.file_offset, tensor.byte_size);
    }
  }
  return out;
}

namespace {

nlohmann::ordered_json value_json(const gguf::Model& model, const gguf::Value& value, bool full) {
  using json = nlohmann::ordered_json;
  if (const auto* array = value.as_array()) {
    json j{{"type", "arr"},
           {"element_type", gguf::value_type_name(array->element_type)},
           {"count", array->count},
           {"offset", array->offset},
           {"bytes", array->byte_size}};
    const std::uint64_t shown = full ? array->count : std::min(array->count, k_array_preview);
    json values = json::array();
    if (array->element_type == gguf::ValueType::string) {
      for (const auto s : model.array_strings(*array, shown)) values.push_back(std::string(s));
    } else {
      for (std::uint64_t i = 0; i < shown; ++i) {
        switch (array->element_type) {
          case gguf::ValueType::float32: values.push_back(float_json(static_cast<float>(model.array_float(*array, i)))); break;
          case gguf::ValueType::float64: values.push_back(model.array_float(*array, i)); break;
          case gguf::ValueType::boolean: values.push_back(model.array_bool(*array, i)); break;
          case gguf::ValueType::uint64: values.push_back(static_cast<std::uint64_t>(model.array_int(*array, i))); break;
          default: values.push_back(model.array_int(*array, i));
        }
      }
    }
    j["values"] = std::move(values);
    j["truncated"] = shown < array->count;
    return j;
  }
  json j{{"type", gguf::value_type_name(value.type)}};
  if (const auto s = value.as_string()) {
    j["value"] = std::string(*s);
  } else if (const auto b = value.as_bool()) {
    j["value"] = *b;
  } else if (const auto d = value.as_float()) {
    j["value"] = value.type == gguf::ValueType::float32 ? float_json(static_cast<float>(*d)) : json(*d);
  } else if (const auto* i = std::get_if<std::int64_t>(&value.data)) {
    j["value"] = *i;
  } else if (const auto* u = std::get_if<std::uint64_t>(&value.data)) {
    j["value"] = *u;
  }
  return j;
}

nlohmann::ordered_json optional_json(const std::optional<std::uint64_t>& value) {
  return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json inspect_json(const gguf::Model& model, const gguf::LayerMap& layers, const InspectOptions& options) {
  using json = nlohmann::ordered_json;
  json j;
  j["file"] = model.path();
  j["file_size"] = model.file_size();
  j["gguf_version"] = model.version();
  j["byte_order"] = model.byte_order() == ByteOrder::little ? "little" : "big";
  j["alignment"] = model.alignment();
  j["header_size"] = model.header_size();
  j["data_offset"] = model.data_offset();
  j["architecture"] = model.architecture().empty() ? json(nullptr) : json(std::string(model.architecture()));
  const auto name = string_key(model, "general.name");
  j["name"] = name.empty() ? json(nullptr) : json(name);
  j["tensor_count"] = model.tensors().size();
  j["metadata_count"] = model.metadata().size();
  j["block_count"] = optional_json(layers.block_count);
  if (const auto count = uint_key(model, "split.count")) {
    j["split"] = {{"no", optional_json(uint_key(model, "split.no"))},
                  {"count", *count},
                  {"tensors_count", optional_json(uint_key(model, "split.tensors.count"))}};
  } else {
    j["split"] = nullptr;
  }
  j["attention"] = {{"source", layers.attention.source.empty() ? json(nullptr) : json(layers.attention.source)},
                    {"note", layers.attention.note.empty() ? json(nullptr) : json(layers.attention.note)}};
  j["target_suffix"] = layers.suffix;

  json rows = json::array();
  for (const auto& row : layer_rows(layers)) {
    json r{{"layer", row.layer}, {"attention", to_string(row.attention)}};
    if (row.tensor == nullptr) {
      r["tensor"] = nullptr;
    } else {
      const auto& t = *row.tensor;
      r["tensor"] = t.name;
      r["type"] = gguf::tensor_type_name(t.type);
      r["offset"] = t.file_offset;
      r["elements"] = t.element_count;
      if (t.type == gguf::TensorType::F32 && t.element_count > 0) {
        const float value = model.read_f32(t);
        r["value"] = float_json(value);
        r["bits"] = hex_bits(model.read_f32_bits(t));
      } else {
        r["value"] = nullptr;
        r["bits"] = nullptr;
      }
    }
    rows.push_back(std::move(r));
  }
  j["layers"] = std::move(rows);

  if (options.metadata) {
    json metadata = json::array();
    for (const auto& entry : model.metadata()) {
      json m = value_json(model, entry.value, options.full);
      m["key"] = entry.key;
      metadata.push_back(std::move(m));
    }
    j["metadata"] = std::move(metadata);
  }
  if (options.tensors) {
    json tensors = json::array();
    for (const auto& t : model.tensors()) {
      tensors.push_back({{"name", t.name},
                         {"index", t.index},
                         {"type", gguf::tensor_type_name(t.type)},
                         {"shape", std::vector<std::uint64_t>(t.shape().begin(), t.shape().end())},
                         {"elements", t.element_count},
                         {"offset", t.file_offset},
                         {"relative_offset", t.relative_offset},
                         {"bytes", t.byte_size}});
    }
    j["tensors"] = std::move(tensors);
  }
  return j;
}

}  // namespace f32patch::cli
