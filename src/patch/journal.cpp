#include <f32patch/patch/journal.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <f32patch/util/error.hpp>

namespace f32patch::patch {

namespace {

using json = nlohmann::ordered_json;

std::vector<std::byte> from_hex(std::string_view hex, const std::string& path, std::string_view field) {
  auto nibble = [&](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    throw Error(ErrorCode::state_conflict, path, fmt::format("journal field '{}' is not hexadecimal", field));
  };
  if (hex.size() % 2 != 0) {
    throw Error(ErrorCode::state_conflict, path, fmt::format("journal field '{}' has an odd number of hex digits", field));
  }
  std::vector<std::byte> out(hex.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<std::byte>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  }
  return out;
}

json multipliers_json(const std::vector<LayerMultiplier>& multipliers) {
  json out = json::object();
  for (const auto& m : multipliers) out[std::to_string(m.layer)] = m.multiplier;
  return out;
}

}  // namespace

std::string to_hex(std::span<const std::byte> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const std::byte b : bytes) out += fmt::format("{:02x}", std::to_integer<unsigned>(b));
  return out;
}

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
  j["model"] = {{"size", identity.file_size},
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
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw bad(fmt::format("JSON error at byte {}", e.byte));
  }
  try {
    if (!j.is_object() || j.value("format", std::string()) != journal_format_id) throw bad("no \"format\": \"f32patch-journal\"");
    const auto version = j.at("version").get<std::uint32_t>();
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
    journal.byte_order = model.value("byte_order", std::string("little"));
    for (const json& r : j.at("recipes")) {
      JournalRecipe recipe{r.at("name").get<std::string>(), r.value("origin", std::string()),
                           r.at("tensor").get<std::string>(), {}};
      for (const auto& [layer, multiplier] : r.at("multipliers").items()) {
        recipe.multipliers.push_back({static_cast<std::uint32_t>(std::stoul(layer)), multiplier.get<double>()});
      }
      journal.recipes.push_back(std::move(recipe));
    }
    for (const json& t : j.at("targets")) {
      JournalTarget target;
      target.tensor = t.at("tensor").get<std::string>();
      target.layer = t.at("layer").get<std::uint32_t>();
      target.offset = t.at("offset").get<std::uint64_t>();
      target.multiplier = t.value("multiplier", 1.0);
      target.original = from_hex(t.at("original").get<std::string>(), path, "original");
      target.patched = from_hex(t.at("patched").get<std::string>(), path, "patched");
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
  } catch (const std::logic_error& e) {  // stoul
    throw bad(e.what());
  }
}

}  // namespace f32patch::patch
