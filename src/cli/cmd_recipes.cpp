// f32patch recipes [--json] [--show NAME]: the built-in recipes.
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <f32patch/patch/recipe.hpp>
#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"

namespace f32patch::cli {

namespace {
struct RecipesCli {
  bool json = false;
  std::string show;
};
}  // namespace

CommandRunner add_recipes(CLI::App& sub, const GlobalOptions&) {
  auto cli = std::make_shared<RecipesCli>();
  sub.add_flag("--json", cli->json, "The built-in recipes as a JSON array");
  sub.add_option("--show", cli->show, "Print a built-in recipe as a TOML recipe file (a template for your own)")
      ->type_name("NAME");
  return [cli] {
    if (!cli->show.empty()) {
      const auto text = patch::builtin_recipe_toml(cli->show);
      if (text.empty()) {
        throw Error(ErrorCode::usage, {}, fmt::format("no built-in recipe '{}'", cli->show),
                    "'f32patch recipes' lists them");
      }
      fmt::print("{}", text);
      return 0;
    }
    if (cli->json) {
      auto list = nlohmann::ordered_json::array();
      for (const auto& r : patch::builtin_recipes()) {
        auto multipliers = nlohmann::ordered_json::object();
        for (const auto& m : r.multipliers) multipliers[std::to_string(m.layer)] = m.multiplier;
        list.push_back({{"name", r.name},
                        {"description", r.description},
                        {"tensor", r.tensor_suffix},
                        {"architecture", r.architecture ? nlohmann::ordered_json(*r.architecture) : nullptr},
                        {"block_count", r.block_count ? nlohmann::ordered_json(*r.block_count) : nullptr},
                        {"multipliers", std::move(multipliers)}});
      }
      fmt::print("{}\n", list.dump(2));
      return 0;
    }
    for (const auto& r : patch::builtin_recipes()) {
      fmt::print("{:<8}  {}\n{:<8}  layers {} of blk.N.{}\n", r.name, r.description, "", r.multipliers_text(),
                 r.tensor_suffix);
    }
    return 0;
  };
}

}  // namespace f32patch::cli
