#include <f32patch/patch/recipe.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <toml++/toml.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>

namespace f32patch::patch {

namespace {

struct BuiltinText {
  std::string_view name;
  std::string_view toml;
};

// The published recipes, in the recipe-file format users write themselves (docs/recipes.md).
constexpr std::array<BuiltinText, 2> k_builtins{{
    {"l25l26", R"toml(# The published Gemma 4 31B patch: layer_output_scale of layers 25 and 26 times 1.5.
name = "l25l26"
description = "Gemma 4 31B: layers 25 and 26 x1.5 (published L25+L26 patch; GSM8k 24% -> 60% on IQ1_M)"
tensor = "layer_output_scale.weight"
architecture = "gemma4"
block_count = 60

[multipliers]
25 = 1.5
26 = 1.5
)toml"},
    {"basin-b", R"toml(# The published "basin B" recipe for Gemma 4 31B: 11 layers, each with its own multiplier.
name = "basin-b"
description = "Gemma 4 31B: basin B, 11 layers with individual multipliers"
tensor = "layer_output_scale.weight"
architecture = "gemma4"
block_count = 60

[multipliers]
5 = 1.440
18 = 0.767
19 = 1.016
20 = 0.814
21 = 1.413
25 = 1.402
26 = 1.289
27 = 1.326
28 = 1.431
30 = 0.548
31 = 1.267
)toml"},
}};

[[noreturn]] void usage_error(const std::string& where, std::string message, std::string hint = {}) {
  throw Error(ErrorCode::usage, where, std::move(message), std::move(hint));
}

std::uint32_t parse_layer_number(std::string_view text, std::string_view spec) {
  if (text.empty() && spec.starts_with('-')) {
    usage_error({}, fmt::format("layer list '{}': layers are numbered from 0, not negative", spec),
                "write layers as 25,26 or ranges as 18-21");
  }
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    usage_error({}, fmt::format("layer list '{}': '{}' is not a layer number", spec, text),
                "write layers as 25,26 or ranges as 18-21");
  }
  return value;
}

void sort_and_check(std::vector<LayerMultiplier>& multipliers, const std::string& where) {
  std::sort(multipliers.begin(), multipliers.end(),
            [](const auto& a, const auto& b) { return a.layer < b.layer; });
  for (std::size_t i = 1; i < multipliers.size(); ++i) {
    if (multipliers[i].layer == multipliers[i - 1].layer) {
      usage_error(where, fmt::format("layer {} is given twice", multipliers[i].layer));
    }
  }
  if (multipliers.empty()) usage_error(where, "names no layers");
}

// "an integer", "a table": the TOML type of a node, for messages.
std::string_view toml_type_name(toml::node_type type) {
  switch (type) {
    case toml::node_type::none: return "nothing";
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
  }
  return "a value";
}

}  // namespace

std::string format_multiplier(double value) { return fmt::format("{}", value); }

std::string Recipe::multipliers_text() const {
  std::vector<std::string> parts;
  parts.reserve(multipliers.size());
  for (const auto& m : multipliers) parts.push_back(fmt::format("{}={}", m.layer, format_multiplier(m.multiplier)));
  return fmt::format("{}", fmt::join(parts, ","));
}

std::string Recipe::fingerprint() const { return fmt::format("{}:{}", tensor_suffix, multipliers_text()); }

double parse_multiplier(std::string_view text, std::string_view what) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range && end == text.data() + text.size()) {
    usage_error({}, fmt::format("{} '{}' is outside the range of a double (about 2.2e-308 to 1.8e308)", what, text),
                "e.g. 1.5 or 0.767");
  }
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    usage_error({}, fmt::format("{} '{}' is not a finite decimal number", what, text), "e.g. 1.5 or 0.767");
  }
  return value;
}

std::vector<std::uint32_t> parse_layer_list(std::string_view spec) {
  std::vector<std::uint32_t> layers;
  std::string_view rest = spec;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto dash = item.find('-');
    if (dash == std::string_view::npos) {
      layers.push_back(parse_layer_number(item, spec));
    } else {
      const auto first = parse_layer_number(item.substr(0, dash), spec);
      const auto last = parse_layer_number(item.substr(dash + 1), spec);
      if (last < first) usage_error({}, fmt::format("layer list '{}': range {} runs backwards", spec, item));
      if (last - first > 100000) usage_error({}, fmt::format("layer list '{}': range {} is implausibly long", spec, item));
      for (std::uint32_t layer = first;; ++layer) {
        layers.push_back(layer);
        if (layer == last) break;
      }
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  std::sort(layers.begin(), layers.end());
  if (const auto dup = std::adjacent_find(layers.begin(), layers.end()); dup != layers.end()) {
    usage_error({}, fmt::format("layer list '{}' names layer {} twice", spec, *dup));
  }
  return layers;
}

Recipe recipe_from_layers(std::string_view layers, std::string_view scale, std::string_view suffix) {
  Recipe recipe;
  recipe.name = fmt::format("--layers {} --scale {}", layers, scale);
  recipe.origin = "command line";
  recipe.tensor_suffix = std::string(suffix);
  const double multiplier = parse_multiplier(scale, "--scale");
  for (const auto layer : parse_layer_list(layers)) recipe.multipliers.push_back({layer, multiplier});
  recipe.description = fmt::format("layers {} x{}", layers, scale);
  return recipe;
}

Recipe recipe_from_set(std::string_view set, std::string_view suffix) {
  Recipe recipe;
  recipe.name = fmt::format("--set {}", set);
  recipe.origin = "command line";
  recipe.tensor_suffix = std::string(suffix);
  std::string_view rest = set;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      usage_error({}, fmt::format("--set '{}': '{}' is not LAYER=MULTIPLIER", set, item), "e.g. --set 25=1.5,26=1.289");
    }
    const std::string_view layer_text = item.substr(0, eq);
    const auto layers = parse_layer_list(layer_text);  // "18-21=0.8" sets a range
    const double multiplier = parse_multiplier(item.substr(eq + 1), fmt::format("multiplier of layer {}", layer_text));
    for (const auto layer : layers) recipe.multipliers.push_back({layer, multiplier});
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  sort_and_check(recipe.multipliers, "--set");
  recipe.description = fmt::format("--set {}", set);
  return recipe;
}

Recipe parse_recipe_toml(std::string_view text, const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    usage_error(origin, fmt::format("not a valid recipe: {} (line {}, column {})", e.description(), where.line, where.column),
                "see docs/recipes.md for the format, or 'f32patch recipes --show l25l26' for an example");
  }
  static constexpr std::array<std::string_view, 6> k_known{"name", "description", "tensor", "architecture",
                                                           "block_count", "multipliers"};
  for (const auto& [key, node] : table) {
    if (std::find(k_known.begin(), k_known.end(), key.str()) == k_known.end()) {
      usage_error(origin, fmt::format("unknown recipe key '{}'", key.str()),
                  "known keys: name, description, tensor, architecture, block_count, [multipliers]");
    }
  }
  // A key that is present must have its type: a misspelt value must not silently drop a check.
  auto string_key = [&](std::string_view key) -> std::optional<std::string> {
    const toml::node* node = table.get(key);
    if (node == nullptr) return std::nullopt;
    const auto* string = node->as_string();
    if (string == nullptr) {
      usage_error(origin, fmt::format("'{}' is {}, expected a string (line {})", key, toml_type_name(node->type()),
                                      node->source().begin.line));
    }
    return string->get();
  };
  Recipe recipe;
  recipe.origin = origin;
  const auto name = string_key("name");
  if (!name || name->empty()) usage_error(origin, "recipe has no 'name' (a non-empty string)");
  recipe.name = *name;
  recipe.description = string_key("description").value_or(std::string());
  recipe.tensor_suffix = string_key("tensor").value_or(std::string(gguf::default_target_suffix));
  if (recipe.tensor_suffix.empty()) usage_error(origin, "'tensor' is empty");
  if (auto arch = string_key("architecture")) {
    if (arch->empty()) usage_error(origin, "'architecture' is empty; leave it out to allow any architecture");
    recipe.architecture = std::move(*arch);
  }
  if (const toml::node* node = table.get("block_count")) {
    const auto* count = node->as_integer();
    if (count == nullptr || count->get() <= 0) {
      usage_error(origin, fmt::format("'block_count' must be a positive integer (line {})", node->source().begin.line));
    }
    recipe.block_count = static_cast<std::uint64_t>(count->get());
  }
  const toml::table* multipliers = table["multipliers"].as_table();
  if (multipliers == nullptr) {
    usage_error(origin, "recipe has no [multipliers] table", "add lines like '25 = 1.5' under [multipliers]");
  }
  for (const auto& [key, node] : *multipliers) {
    std::vector<std::uint32_t> layers;
    try {
      layers = parse_layer_list(key.str());
    } catch (const Error& e) {  // name the file and the line, as for syntax errors
      usage_error(origin, fmt::format("{} (line {})", e.message(), key.source().begin.line), e.hint());
    }
    std::optional<double> value = node.value<double>();  // integers convert too
    if (!value || !std::isfinite(*value)) {
      usage_error(origin, fmt::format("multiplier of layer {} is not a finite number (line {})", key.str(),
                                      node.source().begin.line));
    }
    for (const auto layer : layers) recipe.multipliers.push_back({layer, *value});
  }
  sort_and_check(recipe.multipliers, origin);
  return recipe;
}

const std::vector<Recipe>& builtin_recipes() {
  static const std::vector<Recipe> recipes = [] {
    std::vector<Recipe> out;
    for (const auto& builtin : k_builtins) {
      Recipe recipe = parse_recipe_toml(builtin.toml, std::string(builtin.name));
      recipe.origin = "built-in";
      out.push_back(std::move(recipe));
    }
    return out;
  }();
  return recipes;
}

const Recipe* find_builtin_recipe(std::string_view name) {
  for (const auto& recipe : builtin_recipes()) {
    if (recipe.name == name) return &recipe;
  }
  return nullptr;
}

std::string_view builtin_recipe_toml(std::string_view name) {
  for (const auto& builtin : k_builtins) {
    if (builtin.name == name) return builtin.toml;
  }
  return {};
}

Recipe load_recipe(const std::string& name_or_path) {
  if (const Recipe* builtin = find_builtin_recipe(name_or_path)) return *builtin;
  if (!path_exists(name_or_path)) {
    std::vector<std::string_view> names;
    for (const auto& builtin : k_builtins) names.push_back(builtin.name);
    usage_error({}, fmt::format("recipe '{}' is neither a built-in recipe nor a file", name_or_path),
                fmt::format("built-in recipes: {} ('f32patch recipes' lists them)", fmt::join(names, ", ")));
  }
  std::string text;
  try {
    text = read_small_file(name_or_path, 1u << 20);
  } catch (const Error& e) {
    usage_error(name_or_path, fmt::format("cannot read the recipe: {}", e.message()));
  }
  return parse_recipe_toml(text, name_or_path);
}

}  // namespace f32patch::patch
