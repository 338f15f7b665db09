#include <f32patch/patch/journal.hpp>

#include <charconv>
#include <climits>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/hex.hpp>

namespace f32patch::patch {

namespace {

using json = nlohmann::ordered_json;

std::vector<std::byte> bytes_field(std::string_view hex, const std::string& path, std::string_view field) {
  auto bytes = from_hex(hex);
  if (!bytes) {
    throw Error(ErrorCode::state_conflict, path,
                fmt::format("journal field '{}' is not an even number of hex digits", field));
  }
  return std::move(*bytes);
}

// A layer key of the journal: plain decimal, below 2^32.
std::optional<std::uint32_t> layer_number(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

json multipliers_json(const std::vector<LayerMultiplier>& multipliers) {
  json out = json::object();
  for (const auto& m : multipliers) out[std::to_string(m.layer)] = m.multiplier;
  return out;
}

}  // namespace

ModelIdentity model_identity(const gguf::Model& model) {
  const auto header = model.bytes().first(static_cast<std::size_t>(model.data_offset()));
  const XXH128_hash_t hash = XXH3_128bits(header.data(), header.size());
  return {model.file_size(), model.data_offset(), fmt::format("{:016x}{:016x}", hash.high64, hash.low64)};
}

std::string JournalRecipe::fingerprint() const {
  Recipe recipe;
  recipe.tensor_suffix = tensor_suffix;
  recipe.multipliers = multipliers;
  return recipe.fingerprint();
}

JournalRecipe journal_recipe(const Recipe& recipe) {
  return {recipe.name, recipe.origin, recipe.tensor_suffix, recipe.multipliers};
}

const JournalTarget* Journal::find(std::string_view tensor) const {
  for (const auto& target : targets) {
    if (target.tensor == tensor) return &target;
  }
  return nullptr;
}

std::string Journal::to_json() const {
  json j;
  j["format"] = journal_format_id;
  j["version"] = journal_format_version;
  j["tool"] = tool;
  j["created"] = created;
  j["model"] = {{"path", model_path},
                {"size", identity.file_size},
                {"header_bytes", identity.header_bytes},
                {"header_xxh128", identity.header_xxh128},
                {"byte_order", byte_order}};
  json recipe_list = json::array();
  for (const auto& r : recipes) {
    recipe_list.push_back({{"name", r.name},
                           {"origin", r.origin},
                           {"tensor", r.tensor_suffix},
                           {"multipliers", multipliers_json(r.multipliers)}});
  }
  j["recipes"] = std::move(recipe_list);
  json target_list = json::array();
  for (const auto& t : targets) {
    target_list.push_back({{"tensor", t.tensor},
                           {"layer", t.layer},
                           {"offset", t.offset},
                           {"bytes", t.original.size()},
                           {"multiplier", t.multiplier},
                           {"recipe", t.recipe},
                           {"original", to_hex(t.original)},
                           {"patched", to_hex(t.patched)}});
  }
  j["targets"] = std::move(target_list);
  if (!digests.empty()) j["digests"] = digests;
  return j.dump(2) + "\n";
}

Journal Journal::from_json(std::string_view text, const std::string& path) {
  auto bad = [&](const std::string& what) {
    return Error(ErrorCode::state_conflict, path, fmt::format("is not a valid f32patch journal: {}", what),
                 "move it aside if it is not yours; f32patch will not overwrite it");
  };
  json j;
  // JSON lets a key appear twice in an object (the last one wins); in a journal that is a hand
  // edit gone wrong, and which value was meant cannot be known.
  std::vector<std::set<std::string>> keys;
  std::string duplicate;
  const json::parser_callback_t track_keys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) keys.emplace_back();
    if (event == json::parse_event_t::object_end && !keys.empty()) keys.pop_back();
    if (event == json::parse_event_t::key && !keys.empty() && !keys.back().insert(parsed.get<std::string>()).second &&
        duplicate.empty()) {
      duplicate = parsed.get<std::string>();
    }
    return true;
  };
  try {
    j = json::parse(text, track_keys);
  } catch (const json::parse_error& e) {
    throw bad(fmt::format("JSON error at byte {}", e.byte));
  }
  if (!duplicate.empty()) throw bad(fmt::format("key \"{}\" appears twice in one object", duplicate));
  try {
    if (!j.is_object() || j.value("format", std::string()) != journal_format_id) throw bad("no \"format\": \"f32patch-journal\"");
    const json& version_field = j.at("version");
    if (!version_field.is_number_unsigned()) throw bad("\"version\" is not a whole number");
    const auto version = version_field.get<std::uint64_t>();
    if (version != journal_format_version) {
      throw bad(fmt::format("format version {}, this f32patch reads version {}", version, journal_format_version));
    }
    Journal journal;
    journal.tool = j.value("tool", std::string());
    journal.created = j.value("created", std::string());
    const json& model = j.at("model");
    journal.identity.file_size = model.at("size").get<std::uint64_t>();
    journal.identity.header_bytes = model.at("header_bytes").get<std::uint64_t>();
    journal.identity.header_xxh128 = model.at("header_xxh128").get<std::string>();
    journal.model_path = model.value("path", std::string());
    journal.byte_order = model.value("byte_order", std::string("little"));
    if (journal.byte_order != "little" && journal.byte_order != "big") {
      throw bad(fmt::format("byte order '{}', expected 'little' or 'big'", journal.byte_order));
    }
    for (const json& r : j.at("recipes")) {
      JournalRecipe recipe{r.at("name").get<std::string>(), r.value("origin", std::string()),
                           r.at("tensor").get<std::string>(), {}};
      for (const auto& [layer, multiplier] : r.at("multipliers").items()) {
        const auto number = layer_number(layer);
        if (!number) throw bad(fmt::format("recipe '{}' has layer '{}', expected a layer number", recipe.name, layer));
        if (!multiplier.is_number()) throw bad(fmt::format("recipe '{}' layer {} has no numeric multiplier", recipe.name, layer));
        recipe.multipliers.push_back({*number, multiplier.get<double>()});
      }
      journal.recipes.push_back(std::move(recipe));
    }
    for (const json& t : j.at("targets")) {
      JournalTarget target;
      target.tensor = t.at("tensor").get<std::string>();
      if (!t.at("layer").is_number_unsigned() || t.at("layer").get<std::uint64_t>() > UINT32_MAX) {
        throw bad(fmt::format("target '{}' has no valid layer number", target.tensor));
      }
      if (!t.at("offset").is_number_unsigned() || !t.at("bytes").is_number_unsigned()) {
        throw bad(fmt::format("target '{}' has no valid offset or byte count", target.tensor));
      }
      if (journal.find(target.tensor) != nullptr) throw bad(fmt::format("target '{}' appears twice", target.tensor));
      target.layer = t.at("layer").get<std::uint32_t>();
      target.offset = t.at("offset").get<std::uint64_t>();
      target.multiplier = t.value("multiplier", 1.0);
      target.recipe = t.value("recipe", std::string());
      target.original = bytes_field(t.at("original").get<std::string>(), path, "original");
      target.patched = bytes_field(t.at("patched").get<std::string>(), path, "patched");
      const auto bytes = t.at("bytes").get<std::uint64_t>();
      if (target.original.size() != bytes || target.patched.size() != bytes || bytes == 0) {
        throw bad(fmt::format("target '{}' records {} bytes but holds {} original and {} patched", target.tensor,
                              bytes, target.original.size(), target.patched.size()));
      }
      if (target.offset > journal.identity.file_size || bytes > journal.identity.file_size - target.offset) {
        throw bad(fmt::format("target '{}' lies outside the model", target.tensor));
      }
      journal.targets.push_back(std::move(target));
    }
    if (j.contains("digests")) {
      journal.digests = j.at("digests").get<std::map<std::string, std::map<std::string, std::string>>>();
    }
    return journal;
  } catch (const json::exception& e) {
    throw bad(e.what());
  }
}

std::string journal_mismatch(const gguf::Model& model, const Journal& journal) {
  for (const JournalTarget& target : journal.targets) {
    const gguf::TensorInfo* tensor = model.find_tensor(target.tensor);
    if (tensor == nullptr) return fmt::format("target '{}' is not a tensor of this file", target.tensor);
    if (tensor->type != gguf::TensorType::F32) {
      return fmt::format("target '{}' is a {} tensor, expected F32", target.tensor, gguf::tensor_type_name(tensor->type));
    }
    if (target.offset != tensor->file_offset || target.original.size() != tensor->byte_size) {
      return fmt::format("target '{}' is recorded at byte {} ({} bytes), but the tensor's data is at byte {} ({} bytes)",
                         target.tensor, target.offset, target.original.size(), tensor->file_offset, tensor->byte_size);
    }
  }
  return {};
}

}  // namespace f32patch::patch
