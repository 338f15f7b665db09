// Recipes: which per-layer tensors to multiply, and by how much.
//
// A recipe comes from a built-in name (`l25l26`, `basin-b`), a TOML file (docs/recipes.md), or
// the command line (`--layers 25,26 --scale 1.5`, `--set 25=1.5,26=1.289`). Multipliers are
// parsed as doubles; the product with each stored F32 value is computed in double and rounded
// to the nearest F32, which is bit for bit what the published Python script does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace f32patch::patch {

struct LayerMultiplier {
  std::uint32_t layer = 0;
  double multiplier = 1.0;
  friend bool operator==(const LayerMultiplier&, const LayerMultiplier&) = default;
};

struct Recipe {
  std::string name;                  // "l25l26", the file's `name`, or the options ("--set 25=1.5")
  std::string description;
  std::string tensor_suffix;         // targets are blk.<layer>.<tensor_suffix>
  std::vector<LayerMultiplier> multipliers;  // sorted by layer, one entry per layer
  std::optional<std::string> architecture;   // the model it is meant for, when stated
  std::optional<std::uint64_t> block_count;
  std::string origin;                // "built-in", the file path, or "command line"

  // What the recipe does, independent of its name: the suffix and the canonical
  // layer=multiplier list. Two recipes with the same fingerprint change a file identically.
  std::string fingerprint() const;
  // "25=1.5,26=1.5"
  std::string multipliers_text() const;
};

const std::vector<Recipe>& builtin_recipes();
const Recipe* find_builtin_recipe(std::string_view name);
// The TOML text of a built-in recipe (a template for writing your own).
std::string_view builtin_recipe_toml(std::string_view name);

// A built-in name, else a path to a TOML recipe file. Throws Error{usage} when neither.
Recipe load_recipe(const std::string& name_or_path);
Recipe parse_recipe_toml(std::string_view text, const std::string& origin);

// "18-21,25" -> {18, 19, 20, 21, 25}; sorted, duplicates refused. Throws Error{usage}.
std::vector<std::uint32_t> parse_layer_list(std::string_view spec);
// A finite decimal number; throws Error{usage} naming `what` otherwise.
double parse_multiplier(std::string_view text, std::string_view what);
// --layers L --scale S
Recipe recipe_from_layers(std::string_view layers, std::string_view scale, std::string_view suffix);
// --set 25=1.5,26=1.289
Recipe recipe_from_set(std::string_view set, std::string_view suffix);

// The shortest decimal text that parses back to exactly `value`.
std::string format_multiplier(double value);

}  // namespace f32patch::patch
