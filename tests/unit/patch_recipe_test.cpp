// Recipes: the built-ins carry the published values exactly; layer lists, --set and TOML files
// parse strictly; fingerprints identify what a recipe does regardless of its name.
#include <gtest/gtest.h>

#include <f32patch/patch/recipe.hpp>
#include <f32patch/util/error.hpp>

namespace f32patch::patch {
namespace {

ErrorCode code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no error";
  return ErrorCode::io;
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.message();
  }
  return "(no error)";
}

TEST(BuiltinRecipeTest, L25L26IsThePublishedPatch) {
  const Recipe* r = find_builtin_recipe("l25l26");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->tensor_suffix, "layer_output_scale.weight");
  EXPECT_EQ(r->architecture, "gemma4");
  EXPECT_EQ(r->block_count, 60u);
  EXPECT_EQ(r->origin, "built-in");
  ASSERT_EQ(r->multipliers.size(), 2u);
  EXPECT_EQ(r->multipliers[0], (LayerMultiplier{25, 1.5}));
  EXPECT_EQ(r->multipliers[1], (LayerMultiplier{26, 1.5}));
}

TEST(BuiltinRecipeTest, BasinBHasElevenLayersWithTheirDoubles) {
  const Recipe* r = find_builtin_recipe("basin-b");
  ASSERT_NE(r, nullptr);
  const std::vector<LayerMultiplier> expected{{5, 1.440},  {18, 0.767}, {19, 1.016}, {20, 0.814},
                                              {21, 1.413}, {25, 1.402}, {26, 1.289}, {27, 1.326},
                                              {28, 1.431}, {30, 0.548}, {31, 1.267}};
  EXPECT_EQ(r->multipliers, expected);  // exact doubles, as Python's float('1.440') gives
  EXPECT_EQ(r->multipliers_text(), "5=1.44,18=0.767,19=1.016,20=0.814,21=1.413,25=1.402,26=1.289,27=1.326,28=1.431,30=0.548,31=1.267");
}

TEST(BuiltinRecipeTest, ShowTextParsesBackToTheSameRecipe) {
  for (const auto& r : builtin_recipes()) {
    const Recipe again = parse_recipe_toml(builtin_recipe_toml(r.name), "copy.toml");
    EXPECT_EQ(again.fingerprint(), r.fingerprint()) << r.name;
  }
  EXPECT_TRUE(builtin_recipe_toml("nope").empty());
  EXPECT_EQ(find_builtin_recipe("nope"), nullptr);
}

TEST(LayerListTest, RangesAndLists) {
  EXPECT_EQ(parse_layer_list("25"), (std::vector<std::uint32_t>{25}));
  EXPECT_EQ(parse_layer_list("26,25"), (std::vector<std::uint32_t>{25, 26}));
  EXPECT_EQ(parse_layer_list("18-21,25"), (std::vector<std::uint32_t>{18, 19, 20, 21, 25}));
  EXPECT_EQ(parse_layer_list("0-0"), (std::vector<std::uint32_t>{0}));
  for (const char* bad : {"", ",", "25,", "a", "-1", "21-18", "25,25", "18-21,20", "1.5", " 25", "4294967296"}) {
    EXPECT_EQ(code_of([&] { parse_layer_list(bad); }), ErrorCode::usage) << bad;
  }
  EXPECT_EQ(message_of([] { parse_layer_list("25,25"); }), "layer list '25,25' names layer 25 twice");
}

TEST(MultiplierTest, StrictFiniteDecimals) {
  EXPECT_EQ(parse_multiplier("1.5", "x"), 1.5);
  EXPECT_EQ(parse_multiplier("0.767", "x"), 0.767);
  EXPECT_EQ(parse_multiplier("-2", "x"), -2.0);
  EXPECT_EQ(parse_multiplier("1e-3", "x"), 1e-3);
  for (const char* bad : {"", "nan", "inf", "-inf", "1.5x", "x1.5", "1,5", "1e999"}) {
    EXPECT_EQ(code_of([&] { parse_multiplier(bad, "--scale"); }), ErrorCode::usage) << bad;
  }
  EXPECT_EQ(message_of([] { parse_multiplier("abc", "--scale"); }), "--scale 'abc' is not a finite decimal number");
  EXPECT_EQ(format_multiplier(1.44), "1.44");
  EXPECT_EQ(parse_multiplier(format_multiplier(0.1 + 0.2), "x"), 0.1 + 0.2);
}

TEST(CommandLineRecipeTest, LayersScaleAndSetAgreeWithTheBuiltin) {
  const Recipe a = recipe_from_layers("25,26", "1.5", "layer_output_scale.weight");
  const Recipe b = recipe_from_set("26=1.5,25=1.5", "layer_output_scale.weight");
  EXPECT_EQ(a.fingerprint(), find_builtin_recipe("l25l26")->fingerprint());
  EXPECT_EQ(b.fingerprint(), a.fingerprint());
  EXPECT_EQ(a.origin, "command line");
  const Recipe c = recipe_from_set("18-20=0.8,25=1.5", "post_attention_norm.weight");
  ASSERT_EQ(c.multipliers.size(), 4u);
  EXPECT_EQ(c.multipliers[2], (LayerMultiplier{20, 0.8}));
  EXPECT_NE(c.fingerprint(), recipe_from_set("18-20=0.8,25=1.5", "layer_output_scale.weight").fingerprint());
  EXPECT_EQ(code_of([] { recipe_from_set("25", "s"); }), ErrorCode::usage);
  EXPECT_EQ(code_of([] { recipe_from_set("25=1.5,25=2", "s"); }), ErrorCode::usage);
  EXPECT_EQ(code_of([] { recipe_from_set("25=", "s"); }), ErrorCode::usage);
}

TEST(TomlRecipeTest, ParsesTheDocumentedFormat) {
  const Recipe r = parse_recipe_toml(R"(
name = "mine"
description = "two layers"
tensor = "post_attention_norm.weight"
architecture = "gemma4"
block_count = 48
[multipliers]
10 = 1.65
"3-4" = 2
)",
                                     "mine.toml");
  EXPECT_EQ(r.name, "mine");
  EXPECT_EQ(r.description, "two layers");
  EXPECT_EQ(r.tensor_suffix, "post_attention_norm.weight");
  EXPECT_EQ(r.block_count, 48u);
  EXPECT_EQ(r.origin, "mine.toml");
  EXPECT_EQ(r.multipliers, (std::vector<LayerMultiplier>{{3, 2.0}, {4, 2.0}, {10, 1.65}}));
}

TEST(TomlRecipeTest, DefaultsAndErrors) {
  const Recipe r = parse_recipe_toml("name = \"x\"\n[multipliers]\n1 = 1.5\n", "x.toml");
  EXPECT_EQ(r.tensor_suffix, "layer_output_scale.weight");
  EXPECT_FALSE(r.architecture.has_value());
  EXPECT_FALSE(r.block_count.has_value());

  struct Bad {
    const char* text;
    const char* words;
  };
  for (const Bad& bad : {Bad{"name = \"x\"\n", "no [multipliers]"},
                         Bad{"[multipliers]\n1 = 1.5\n", "no 'name'"},
                         Bad{"name = \"x\"\n[multipliers]\n1 = \"big\"\n", "not a finite number"},
                         Bad{"name = \"x\"\n[multipliers]\n1 = nan\n", "not a finite number"},
                         Bad{"name = \"x\"\n[multipliers]\n", "names no layers"},
                         Bad{"name = \"x\"\nlayers = 3\n[multipliers]\n1 = 1.5\n", "unknown recipe key 'layers'"},
                         Bad{"name = \"x\"\nblock_count = -1\n[multipliers]\n1 = 1.5\n", "block_count"},
                         Bad{"name = \"x\"\n[multipliers]\n1 = 1.5\n\"1-2\" = 2\n", "layer 1 is given twice"},
                         Bad{"name = = \"x\"\n", "line 1"},
                         // a present key of the wrong type must not silently drop its check
                         Bad{"name = \"x\"\narchitecture = 4\n[multipliers]\n1 = 1.5\n",
                             "'architecture' is an integer, expected a string (line 2)"},
                         Bad{"name = \"x\"\ntensor = 4\n[multipliers]\n1 = 1.5\n", "'tensor' is an integer"},
                         Bad{"name = \"x\"\ndescription = true\n[multipliers]\n1 = 1.5\n", "'description' is a boolean"},
                         Bad{"name = 7\n[multipliers]\n1 = 1.5\n", "'name' is an integer"},
                         Bad{"name = \"x\"\narchitecture = \"\"\n[multipliers]\n1 = 1.5\n", "'architecture' is empty"},
                         Bad{"name = \"x\"\nblock_count = 60.0\n[multipliers]\n1 = 1.5\n", "block_count"},
                         Bad{"name = \"x\"\nblock_count = \"60\"\n[multipliers]\n1 = 1.5\n", "block_count"}}) {
    const std::string message = message_of([&] { parse_recipe_toml(bad.text, "bad.toml"); });
    EXPECT_NE(message.find(bad.words), std::string::npos) << bad.text << " -> " << message;
    EXPECT_EQ(code_of([&] { parse_recipe_toml(bad.text, "bad.toml"); }), ErrorCode::usage);
  }
}

TEST(TomlRecipeTest, LoadRecipeNamesTheUnknown) {
  EXPECT_EQ(load_recipe("l25l26").name, "l25l26");
  const std::string message = message_of([] { load_recipe("/nonexistent/recipe.toml"); });
  EXPECT_NE(message.find("neither a built-in recipe nor a file"), std::string::npos);
}

}  // namespace
}  // namespace f32patch::patch
