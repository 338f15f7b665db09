#include "inspect_report.hpp"

#include "text_format.hpp"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>

namespace f32patch::cli {

namespace {

using json = nlohmann::ordered_json;

constexpr std::size_t k_short_string = 60;    // characters shown of a long string without --full
constexpr std::size_t k_short_element = 24;   // characters shown of an array's string element
constexpr std::size_t k_short_name = 80;      // characters shown of general.name
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

// A scalar (or one array element) for people; strings quoted, escaped and shortened to `limit`.
std::string scalar_text(const gguf::Value& value, std::size_t limit) {
  if (const auto s = value.as_string()) return fmt::format("\"{}\"", escape_for_display(*s, limit));
  if (const auto b = value.as_bool()) return *b ? "true" : "false";
  if (const auto d = value.as_float()) {
    return value.type == gguf::ValueType::float32 ? fmt::format("{}", static_cast<float>(*d)) : fmt::format("{}", *d);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return fmt::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value.data)) return fmt::to_string(*u);
  return {};
}

std::string array_text(const gguf::Model& model, const gguf::ArrayView& array, bool full) {
  const std::uint64_t shown = full ? array.count : std::min(array.count, k_array_preview);
  std::vector<std::string> items;
  items.reserve(static_cast<std::size_t>(shown));
  if (array.element_type == gguf::ValueType::string) {
    for (const auto s : model.array_strings(array, shown)) {
      items.push_back(fmt::format("\"{}\"", escape_for_display(s, full ? 0 : k_short_element)));
    }
  } else {
    for (std::uint64_t i = 0; i < shown; ++i) items.push_back(scalar_text(model.array_element(array, i), 0));
  }
  const std::string more = shown < array.count ? fmt::format(", … {} more", array.count - shown) : "";
  return fmt::format("[{}{}]", fmt::join(items, ", "), more);
}

std::string attention_summary(const gguf::LayerMap& layers) {
  const auto& kinds = layers.attention.kinds;
  const bool known = std::any_of(kinds.begin(), kinds.end(), [](auto k) { return k != gguf::AttentionKind::unknown; });
  if (known) {
    const auto sliding = std::count(kinds.begin(), kinds.end(), gguf::AttentionKind::sliding);
    const auto full = std::count(kinds.begin(), kinds.end(), gguf::AttentionKind::full);
    return fmt::format("{} sliding, {} full ({})", sliding, full, gguf::display_text(layers.attention.source));
  }
  // A note about a key that is present is a warning, listed separately; the others
  // ("no ... key") only explain why the kinds are unknown.
  if (!layers.attention.note.empty() && layers.attention.source.empty()) {
    return fmt::format("unknown ({})", layers.attention.note);
  }
  return "unknown";
}

std::string value_or_missing(const std::optional<std::uint64_t>& value) {
  return value ? fmt::to_string(*value) : std::string("(missing or invalid)");
}

std::string split_summary(const gguf::SplitInfo& split) {
  if (!split.consistent()) {
    return fmt::format("split.no {}, split.count {} (inconsistent; see the warnings)", value_or_missing(split.no),
                       value_or_missing(split.count));
  }
  std::string out = fmt::format("shard {} of {}", *split.no + 1, *split.count);
  if (!split.expected_file_name.empty()) out += fmt::format(" ({})", gguf::display_text(split.expected_file_name));
  if (split.tensors_count) out += fmt::format(", {} tensors in all", *split.tensors_count);
  return out;
}

std::string block_count_text(const gguf::LayerMap& layers) {
  if (!layers.block_count) return "(none)";
  if (!layers.table_blocks) return fmt::format("{} (implausible; see the warnings)", *layers.block_count);
  return fmt::to_string(*layers.block_count);
}

std::string string_key(const gguf::Model& model, std::string_view key) {
  const auto* value = model.find(key);
  return value ? std::string(value->as_string().value_or("")) : std::string();
}

// The layer table: layer, attention kind, offset, first value, its bits, and a flag for a
// layer beyond block_count.
void append_layer_table(std::string& out, const gguf::Model& model, const std::vector<gguf::LayerRow>& rows) {
  std::size_t layer_width = 5;
  for (const auto& row : rows) layer_width = std::max(layer_width, fmt::formatted_size("{}", row.layer));
  append(out, "\n{:>{}}  {:<9}  {:>12}  {:<16}  {}\n", "layer", layer_width, "attention", "offset", "value", "bits");
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
    append(out, "{:>{}}  {:<9}  {:>12}  {:<16}  {}{}\n", row.layer, layer_width, to_string(row.attention), offset,
           value, bits, row.beyond_block_count ? "  (beyond block_count)" : "");
  }
}

}  // namespace

InspectSubject inspect_subject(const gguf::Model& model, std::string_view tensor_suffix) {
  InspectSubject subject{model, gguf::map_layers(model, tensor_suffix), gguf::split_info(model), {}};
  auto& warnings = subject.warnings;
  if (subject.split) warnings.insert(warnings.end(), subject.split->problems.begin(), subject.split->problems.end());
  const auto& layers = subject.layers;
  if (!layers.note.empty()) warnings.push_back(layers.note);
  if (const std::size_t beyond = layers.beyond_block_count(); beyond > 0) {
    const auto first = std::find_if(layers.tensors.begin(), layers.tensors.end(),
                                    [&](const auto& entry) { return entry.first >= *layers.block_count; });
    warnings.push_back(fmt::format("{} of the blk.N.{} tensors name a layer at or beyond {}.block_count ({}), "
                                   "the first {}; apply refuses them",
                                   beyond, gguf::display_text(layers.suffix), gguf::display_text(model.architecture()),
                                   *layers.block_count, gguf::quoted(first->second->name)));
  }
  // A note about a present pattern key is a warning; "no ... key" merely explains "unknown".
  if (!layers.attention.note.empty() && !layers.attention.source.empty()) warnings.push_back(layers.attention.note);
  return subject;
}

std::string inspect_text(const InspectSubject& subject, const InspectOptions& options) {
  const gguf::Model& model = subject.model;
  const gguf::LayerMap& layers = subject.layers;
  std::string out;
  auto line = [&](std::string_view label, const std::string& value) {
    append(out, "{:<14}{}\n", fmt::format("{}:", label), value);
  };
  line("file", gguf::display_text(model.path()));
  line("architecture", model.architecture().empty() ? "(none)" : gguf::display_text(model.architecture()));
  if (const auto name = string_key(model, "general.name"); !name.empty()) {
    line("name", escape_for_display(name, k_short_name));
  }
  line("format", fmt::format("GGUF v{}, {}", model.version(), to_string(model.byte_order())));
  line("file size", fmt::format("{} bytes ({})", model.file_size(), human_bytes(model.file_size())));
  line("tensors", fmt::to_string(model.tensors().size()));
  line("metadata", fmt::format("{} keys", model.metadata().size()));
  line("alignment", fmt::to_string(model.alignment()));
  line("data offset", fmt::to_string(model.data_offset()));
  line("block count", block_count_text(layers));
  if (subject.split) line("split", split_summary(*subject.split));
  line("attention", attention_summary(layers));
  std::string targets = fmt::format("{} tensors blk.N.{}", layers.tensors.size(), gguf::display_text(layers.suffix));
  if (const std::size_t beyond = layers.beyond_block_count(); beyond > 0) {
    targets += fmt::format(" ({} beyond block_count)", beyond);
  }
  line("targets", targets);
  for (const auto& warning : subject.warnings) line("warning", warning);

  if (const auto rows = layers.rows(); !rows.empty()) append_layer_table(out, model, rows);

  if (options.metadata || options.full) {
    std::vector<std::string> keys;
    keys.reserve(model.metadata().size());
    std::size_t width = 3;
    for (const auto& entry : model.metadata()) {
      keys.push_back(escape_for_display(entry.key, 0));
      width = std::max(width, gguf::display_width(keys.back()));
    }
    append(out, "\n{}  {:<18}  {}\n", pad_right("key", width), "type", "value");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto& entry = model.metadata()[i];
      const auto* array = entry.value.as_array();
      const std::string value =
          array ? array_text(model, *array, options.full) : scalar_text(entry.value, options.full ? 0 : k_short_string);
      append(out, "{}  {:<18}  {}\n", pad_right(keys[i], width), type_text(entry.value), value);
    }
  }

  if (options.tensors) {
    std::vector<std::string> names;
    names.reserve(model.tensors().size());
    std::size_t width = 4;
    for (const auto& tensor : model.tensors()) {
      names.push_back(escape_for_display(tensor.name, 0));
      width = std::max(width, gguf::display_width(names.back()));
    }
    append(out, "\n{:>5}  {}  {:<8}  {:<22}  {:>12}  {:>12}\n", "#", pad_right("name", width), "type", "shape",
           "offset", "bytes");
    for (const auto& tensor : model.tensors()) {
      append(out, "{:>5}  {}  {:<8}  {:<22}  {:>12}  {:>12}\n", tensor.index, pad_right(names[tensor.index], width),
             gguf::tensor_type_name(tensor.type), shape_text(tensor), tensor.file_offset, tensor.byte_size);
    }
  }
  return out;
}

namespace {

// j[field] = text. JSON strings are UTF-8: a string from the file that is not valid UTF-8 is
// dumped with U+FFFD in place of its invalid bytes (cmd_inspect dumps with
// error_handler_t::replace), so `<field>_hex` then carries its exact bytes.
void put_text(json& j, const std::string& field, std::string_view text) {
  j[field] = std::string(text);
  if (!gguf::is_valid_utf8(text)) j[field + "_hex"] = hex_bytes(text);
}

json optional_json(const std::optional<std::uint64_t>& value) { return value ? json(*value) : json(nullptr); }

// A scalar, or one array element, as JSON; strings are never shortened.
json scalar_json(const gguf::Value& value) {
  if (const auto s = value.as_string()) return std::string(*s);
  if (const auto b = value.as_bool()) return *b;
  if (const auto d = value.as_float()) {
    return value.type == gguf::ValueType::float32 ? float_json(static_cast<float>(*d)) : json(*d);
  }
  if (const auto* i = std::get_if<std::int64_t>(&value.data)) return *i;
  if (const auto* u = std::get_if<std::uint64_t>(&value.data)) return *u;
  return nullptr;
}

json value_json(const gguf::Model& model, const gguf::Value& value, bool full) {
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
      for (std::uint64_t i = 0; i < shown; ++i) values.push_back(scalar_json(model.array_element(*array, i)));
    }
    j["values"] = std::move(values);
    j["truncated"] = shown < array->count;
    return j;
  }
  json j{{"type", gguf::value_type_name(value.type)}};
  if (const auto s = value.as_string()) {
    put_text(j, "value", *s);
  } else {
    j["value"] = scalar_json(value);
  }
  return j;
}

}  // namespace

json inspect_json(const InspectSubject& subject, const InspectOptions& options) {
  const gguf::Model& model = subject.model;
  const gguf::LayerMap& layers = subject.layers;
  json j;
  j["file"] = model.path();
  j["file_size"] = model.file_size();
  j["gguf_version"] = model.version();
  j["byte_order"] = model.byte_order() == ByteOrder::little ? "little" : "big";
  j["alignment"] = model.alignment();
  j["header_size"] = model.header_size();
  j["data_offset"] = model.data_offset();
  if (model.architecture().empty()) {
    j["architecture"] = nullptr;
  } else {
    put_text(j, "architecture", model.architecture());
  }
  if (const auto name = string_key(model, "general.name"); name.empty()) {
    j["name"] = nullptr;
  } else {
    put_text(j, "name", name);
  }
  j["tensor_count"] = model.tensors().size();
  j["metadata_count"] = model.metadata().size();
  j["block_count"] = optional_json(layers.block_count);
  j["block_count_plausible"] = layers.block_count ? json(layers.table_blocks.has_value()) : json(nullptr);
  if (subject.split) {
    const auto& split = *subject.split;
    j["split"] = {{"no", optional_json(split.no)},
                  {"count", optional_json(split.count)},
                  {"tensors_count", optional_json(split.tensors_count)},
                  {"consistent", split.consistent()},
                  {"expected_file_name", split.expected_file_name.empty() ? json(nullptr) : json(split.expected_file_name)},
                  {"problems", split.problems}};
  } else {
    j["split"] = nullptr;
  }
  json attention{{"source", nullptr}, {"note", nullptr}};
  if (!layers.attention.source.empty()) put_text(attention, "source", layers.attention.source);
  if (!layers.attention.note.empty()) attention["note"] = layers.attention.note;
  j["attention"] = std::move(attention);
  j["target_suffix"] = layers.suffix;
  j["target_count"] = layers.tensors.size();
  j["warnings"] = subject.warnings;

  json rows = json::array();
  for (const auto& row : layers.rows()) {
    json r{{"layer", row.layer}, {"attention", to_string(row.attention)}};
    if (row.tensor == nullptr) {
      r["tensor"] = nullptr;
    } else {
      const auto& t = *row.tensor;
      put_text(r, "tensor", t.name);
      r["type"] = gguf::tensor_type_name(t.type);
      r["offset"] = t.file_offset;
      r["elements"] = t.element_count;
      if (t.type == gguf::TensorType::F32 && t.element_count > 0) {
        r["value"] = float_json(model.read_f32(t));
        r["bits"] = hex_bits(model.read_f32_bits(t));
      } else {
        r["value"] = nullptr;
        r["bits"] = nullptr;
      }
      r["beyond_block_count"] = row.beyond_block_count;
    }
    rows.push_back(std::move(r));
  }
  j["layers"] = std::move(rows);

  if (options.metadata || options.full) {
    json metadata = json::array();
    for (const auto& entry : model.metadata()) {
      json m = value_json(model, entry.value, options.full);
      put_text(m, "key", entry.key);
      metadata.push_back(std::move(m));
    }
    j["metadata"] = std::move(metadata);
  }
  if (options.tensors) {
    json tensors = json::array();
    for (const auto& t : model.tensors()) {
      json entry;
      put_text(entry, "name", t.name);
      entry["index"] = t.index;
      entry["type"] = gguf::tensor_type_name(t.type);
      entry["shape"] = std::vector<std::uint64_t>(t.shape().begin(), t.shape().end());
      entry["elements"] = t.element_count;
      entry["offset"] = t.file_offset;
      entry["relative_offset"] = t.relative_offset;
      entry["bytes"] = t.byte_size;
      tensors.push_back(std::move(entry));
    }
    j["tensors"] = std::move(tensors);
  }
  return j;
}

}  // namespace f32patch::cli
