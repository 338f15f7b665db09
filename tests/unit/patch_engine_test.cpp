// The patch engine on real files in a temp directory: the arithmetic rule, round trips, the
// state machine (no-op, replace, stack), and the journal format.
#include <bit>
#include <cstring>
#include <fstream>
#include <iterator>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>
#include <f32patch/patch/engine.hpp>
#include <f32patch/patch/journal.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>

#include "support/gemma4_fixture.hpp"
#include "support/gguf_writer.hpp"
#include "support/temp_dir.hpp"

namespace f32patch::patch {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Whole-file equality without printing megabytes when it fails.
::testing::AssertionResult same_bytes(const std::string& a, const std::string& b) {
  if (a == b) return ::testing::AssertionSuccess();
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return ::testing::AssertionFailure() << "contents differ at byte " << i << " (sizes " << a.size() << ", " << b.size() << ")";
}

std::uint32_t scale_bits(const std::string& path, std::uint32_t layer) {
  const auto model = gguf::Model::open(path);
  return model.read_f32_bits(*model.find_tensor(testing::gemma4_scale_tensor_name(layer)));
}

// The rule the README documents: multiplier parsed as a double, product in double, rounded to
// the nearest F32.
std::uint32_t expected_bits(float old_value, double multiplier) {
  return std::bit_cast<std::uint32_t>(static_cast<float>(static_cast<double>(old_value) * multiplier));
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("model.gguf");
    testing::gemma4_builder(testing::gemma4_small()).write(path);
    pristine = slurp(path);
  }
  ErrorCode apply_error(const Recipe& recipe, const ApplyOptions& options = {}) {
    try {
      apply(path, recipe, options);
    } catch (const Error& e) {
      last_message = e.message();
      return e.code();
    }
    ADD_FAILURE() << "apply succeeded";
    return ErrorCode::io;
  }
  testing::TempDir dir;
  std::string path;
  std::string pristine;
  std::string last_message;
};

TEST_F(EngineTest, BuiltinsFollowTheDoubleProductRuleForEveryMultiplier) {
  for (const auto& recipe : builtin_recipes()) {
    testing::gemma4_builder(testing::gemma4_small()).write(path);
    const ApplyResult result = apply(path, recipe, {});
    EXPECT_TRUE(result.wrote);
    for (const auto& m : recipe.multipliers) {
      const float old_value = testing::default_layer_scale(m.layer);
      EXPECT_EQ(scale_bits(path, m.layer), expected_bits(old_value, m.multiplier))
          << recipe.name << " layer " << m.layer;
    }
    restore(path, {});
    EXPECT_TRUE(same_bytes(slurp(path), pristine)) << recipe.name;
  }
}

TEST(ArithmeticTest, DoubleProductDiffersFromFloatProductSomewhere) {
  // The rule matters: for some published multiplier and some value, multiplying in float
  // (as apply_tsubo4.py does) gives other bits than the double product rounded once.
  bool differs = false;
  for (const auto& recipe : builtin_recipes()) {
    for (const auto& m : recipe.multipliers) {
      for (std::uint32_t layer = 0; layer < 200 && !differs; ++layer) {
        const float v = testing::default_layer_scale(layer);
        const float in_float = v * static_cast<float>(m.multiplier);
        differs = std::bit_cast<std::uint32_t>(in_float) != expected_bits(v, m.multiplier);
      }
    }
  }
  EXPECT_TRUE(differs);
}

TEST_F(EngineTest, ApplyThenRestoreIsByteIdenticalAndTheJournalIsSmall) {
  const ApplyResult applied = apply(path, *find_builtin_recipe("basin-b"), {});
  EXPECT_EQ(applied.plan.kind, PlanKind::fresh);
  EXPECT_EQ(applied.backup_path, path + ".backup");
  EXPECT_LT(applied.backup_bytes, 64u * 1024);
  struct stat st {};
  ASSERT_EQ(::stat(applied.backup_path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), applied.backup_bytes);
  EXPECT_FALSE(slurp(path) == pristine);

  const RestoreResult restored = restore(path, {});
  EXPECT_EQ(restored.written.size(), 11u);
  EXPECT_TRUE(restored.journal_removed);
  EXPECT_FALSE(path_exists(applied.backup_path));
  EXPECT_TRUE(same_bytes(slurp(path), pristine));

  const RestoreResult again = restore(path, {});
  EXPECT_TRUE(again.nothing_to_do);
}

TEST_F(EngineTest, SameRecipeTwiceIsANoOpWhateverItIsCalled) {
  apply(path, *find_builtin_recipe("l25l26"), {});
  const std::string patched = slurp(path);
  const std::string journal = slurp(path + ".backup");
  const ApplyResult again = apply(path, recipe_from_layers("25,26", "1.5", gguf::default_target_suffix), {});
  EXPECT_EQ(again.plan.kind, PlanKind::unchanged);
  EXPECT_FALSE(again.wrote);
  EXPECT_TRUE(same_bytes(slurp(path), patched));
  EXPECT_TRUE(same_bytes(slurp(path + ".backup"), journal));
}

TEST_F(EngineTest, AnotherRecipeRebasesOnTheOriginals) {
  const std::string alone = dir.file("alone.gguf");
  testing::gemma4_builder(testing::gemma4_small()).write(alone);
  apply(alone, *find_builtin_recipe("l25l26"), {});

  apply(path, *find_builtin_recipe("basin-b"), {});
  const ApplyResult replaced = apply(path, *find_builtin_recipe("l25l26"), {});
  EXPECT_EQ(replaced.plan.kind, PlanKind::replace);
  EXPECT_EQ(replaced.plan.replaced, "basin-b");
  const auto undone = std::count_if(replaced.plan.targets.begin(), replaced.plan.targets.end(),
                                    [](const PlannedTarget& t) { return !t.in_recipe; });
  EXPECT_EQ(undone, 9);  // basin-b's layers other than 25 and 26
  EXPECT_TRUE(same_bytes(slurp(path), slurp(alone)));
  restore(path, {});
  EXPECT_TRUE(same_bytes(slurp(path), pristine));
}

TEST_F(EngineTest, StackCompoundsExactlyAndRestoreStillReturnsThePristineFile) {
  const Recipe& l25l26 = *find_builtin_recipe("l25l26");
  apply(path, l25l26, {});
  ApplyOptions stack;
  stack.stack = true;
  const ApplyResult stacked = apply(path, l25l26, stack);
  EXPECT_EQ(stacked.plan.kind, PlanKind::stack);
  const float v = testing::default_layer_scale(25);
  const float once = static_cast<float>(static_cast<double>(v) * 1.5);
  EXPECT_EQ(scale_bits(path, 25), expected_bits(once, 1.5));
  const Journal journal = Journal::from_json(read_small_file(path + ".backup", journal_size_limit), "j");
  ASSERT_EQ(journal.recipes.size(), 2u);
  EXPECT_EQ(journal.find("blk.25.layer_output_scale.weight")->multiplier, 2.25);
  restore(path, {});
  EXPECT_TRUE(same_bytes(slurp(path), pristine));
}

TEST_F(EngineTest, RefusalsLeaveTheFileUntouched) {
  EXPECT_EQ(apply_error(recipe_from_layers("60", "1.5", gguf::default_target_suffix)), ErrorCode::usage);
  EXPECT_EQ(last_message, "layer 60 is beyond the model's 60 blocks (layers 0-59)");
  EXPECT_EQ(apply_error(recipe_from_layers("25", "-1", gguf::default_target_suffix)), ErrorCode::usage);
  EXPECT_EQ(apply_error(recipe_from_layers("25", "0", gguf::default_target_suffix)), ErrorCode::usage);
  EXPECT_EQ(apply_error(recipe_from_layers("25", "1e40", gguf::default_target_suffix)), ErrorCode::usage);
  EXPECT_NE(last_message.find("is not a finite F32 value"), std::string::npos);
  EXPECT_EQ(apply_error(recipe_from_layers("25", "2", "attn_q.weight")), ErrorCode::invalid_gguf);
  Recipe other = *find_builtin_recipe("l25l26");
  other.architecture = "llama";
  EXPECT_EQ(apply_error(other), ErrorCode::usage);
  EXPECT_EQ(last_message, "recipe 'l25l26' is for llama models, this file is 'gemma4'");
  ASSERT_EQ(::chmod(path.c_str(), 0444), 0);
  EXPECT_EQ(apply_error(*find_builtin_recipe("l25l26")), ErrorCode::io);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  EXPECT_TRUE(same_bytes(slurp(path), pristine));
  EXPECT_FALSE(path_exists(path + ".backup"));

  ApplyOptions allow;
  allow.allow_nonpositive = true;
  EXPECT_NO_THROW(apply(path, recipe_from_layers("25", "-1", gguf::default_target_suffix), allow));
}

TEST_F(EngineTest, ContentAddressedBlobsAreRefused) {
  const std::string blobs = dir.file("models--google--gemma/blobs");
  ASSERT_EQ(::mkdir(dir.file("models--google--gemma").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(blobs.c_str(), 0755), 0);
  const std::string blob = blobs + "/" + std::string(64, 'a');
  ASSERT_EQ(::rename(path.c_str(), blob.c_str()), 0);
  ASSERT_EQ(::symlink(blob.c_str(), path.c_str()), 0);
  try {
    refuse_content_addressed(path);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::state_conflict);
    EXPECT_NE(e.message().find("Hugging Face cache"), std::string::npos);
    EXPECT_NE(e.hint().find("--output"), std::string::npos);
  }
  const std::string ollama = dir.file("sha256-" + std::string(64, '0'));
  EXPECT_NO_THROW(refuse_content_addressed(ollama)) << "a path that does not exist is left to open() to report";
  std::ofstream(ollama).put('x');
  EXPECT_THROW(refuse_content_addressed(ollama), Error);
  EXPECT_NO_THROW(refuse_content_addressed(dir.file("sha256-notahash")));
}

TEST_F(EngineTest, OutputWritesAPatchedCopyAndLeavesTheInput) {
  ApplyOptions options;
  options.output = dir.file("patched.gguf");
  const ApplyResult result = apply(path, *find_builtin_recipe("l25l26"), options);
  EXPECT_EQ(result.path, *options.output);
  EXPECT_TRUE(same_bytes(slurp(path), pristine));
  EXPECT_FALSE(path_exists(path + ".backup"));
  EXPECT_TRUE(path_exists(*options.output + ".backup"));
  EXPECT_EQ(scale_bits(*options.output, 25), expected_bits(testing::default_layer_scale(25), 1.5));
}

TEST_F(EngineTest, StateFollowsTheBytes) {
  apply(path, *find_builtin_recipe("l25l26"), {});
  const auto state = [&] {
    return evaluate_state(gguf::Model::open(path), load_backup(path + ".backup")).state;
  };
  EXPECT_EQ(state(), FileState::patched);
  const Journal journal = Journal::from_json(read_small_file(path + ".backup", journal_size_limit), "j");
  const FileHandle file = FileHandle::open(path, O_RDWR);
  file.write_at(journal.targets[0].offset, journal.targets[0].original);  // half undone
  EXPECT_EQ(state(), FileState::partial);
  file.write_at(journal.targets[1].offset, journal.targets[1].original);
  EXPECT_EQ(state(), FileState::pristine);
  const std::vector<std::byte> junk(4, std::byte{0x7f});
  file.write_at(journal.targets[1].offset, junk);
  EXPECT_EQ(state(), FileState::modified);
  EXPECT_THROW(restore(path, {}), Error);
  RestoreOptions force;
  force.force = true;
  restore(path, force);
  EXPECT_TRUE(same_bytes(slurp(path), pristine));
}

// A shard of a split model: the layer may be in another shard, and only shard 1 carries the
// architecture; the errors say so and how to go on, and nothing is written.
TEST(SplitShardTest, MissingLayerAndArchitectureSayWhichShardThisIs) {
  testing::TempDir dir;
  const std::string path = dir.file("gemma-4-31B-it-Q8_0-00002-of-00003.gguf");
  testing::GgufBuilder shard;
  shard.kv_u16("split.no", 1).kv_u16("split.count", 3).kv_i32("split.tensors.count", 833);
  shard.f32_tensor("blk.30.layer_output_scale.weight", {1}, {0.5f});
  shard.write(path);
  const std::string before = slurp(path);
  for (const Recipe& recipe : {*find_builtin_recipe("l25l26"), recipe_from_layers("25", "1.5", gguf::default_target_suffix)}) {
    try {
      apply(path, recipe, {});
      ADD_FAILURE() << "apply succeeded on a shard without the layer";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::usage);
      EXPECT_NE(e.hint().find("this file is shard 2 of 3 of a split model"), std::string::npos) << e.hint();
      EXPECT_NE(e.hint().find("llama-gguf-split --merge"), std::string::npos) << e.hint();
    }
  }
  EXPECT_TRUE(same_bytes(slurp(path), before));
  // The shard that holds the layer is patched with --layers, and restored.
  apply(path, recipe_from_layers("30", "1.5", gguf::default_target_suffix), {});
  EXPECT_NE(slurp(path), before);
  restore(path, {});
  EXPECT_TRUE(same_bytes(slurp(path), before));
}

TEST(JournalTest, RoundTripsAndRejectsWhatIsNotAJournal) {
  Journal j;
  j.identity = {123456, 4096, "00112233445566778899aabbccddeeff"};
  j.byte_order = "big";
  j.created = "2026-12-03T00:00:00Z";
  j.tool = "f32patch test";
  j.recipes.push_back({"l25l26", "built-in", "layer_output_scale.weight", {{25, 1.5}, {26, 1.5}}});
  j.targets.push_back({"blk.25.layer_output_scale.weight", 25, 5000, {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}},
                       {std::byte{0xff}, std::byte{0}, std::byte{0xab}, std::byte{0x10}}, 1.5, "l25l26"});
  j.model_path = "/models/m.gguf";
  j.digests["original"]["md5"] = "d41d8cd98f00b204e9800998ecf8427e";
  const Journal back = Journal::from_json(j.to_json(), "j");
  EXPECT_EQ(back.identity, j.identity);
  EXPECT_EQ(back.byte_order, "big");
  ASSERT_EQ(back.recipes.size(), 1u);
  EXPECT_EQ(back.recipes[0].fingerprint(), j.recipes[0].fingerprint());
  ASSERT_EQ(back.targets.size(), 1u);
  EXPECT_EQ(back.targets[0].original, j.targets[0].original);
  EXPECT_EQ(back.targets[0].patched, j.targets[0].patched);
  EXPECT_EQ(back.targets[0].multiplier, 1.5);
  EXPECT_EQ(back.targets[0].recipe, "l25l26");
  EXPECT_EQ(back.model_path, "/models/m.gguf");
  EXPECT_EQ(back.digests, j.digests);

  for (const char* bad : {"", "{}", "[1]", "GGUF", R"({"format":"f32patch-journal","version":2})",
                          R"({"format":"f32patch-journal","version":1,"model":{}})"}) {
    try {
      Journal::from_json(bad, "bad.backup");
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::state_conflict);
      EXPECT_EQ(e.path(), "bad.backup");
    }
  }
  std::string text = j.to_json();
  text.replace(text.find("ff00ab10"), 8, "ff00ab1");  // odd hex digits
  EXPECT_THROW(Journal::from_json(text, "j"), Error);

  // Hand edits that a lenient reader would take for something else.
  auto edited = [&](std::string_view from, std::string_view to) {
    std::string t = j.to_json();
    const auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    return t;
  };
  EXPECT_THROW(Journal::from_json(edited("\"version\": 1", "\"version\": 1.9"), "j"), Error);
  EXPECT_THROW(Journal::from_json(edited("\"25\": 1.5", "\"-1\": 1.5"), "j"), Error);
  EXPECT_THROW(Journal::from_json(edited("\"25\": 1.5", "\"25\": \"1.5\""), "j"), Error);
  EXPECT_THROW(Journal::from_json(edited("\"layer\": 25", "\"layer\": -25"), "j"), Error);
  EXPECT_THROW(Journal::from_json(edited("\"byte_order\": \"big\"", "\"byte_order\": \"middle\""), "j"), Error);
  EXPECT_THROW(Journal::from_json(edited("\"tool\": ", "\"created\": \"x\", \"tool\": "), "j"), Error);  // a key twice
  Journal twice = j;
  twice.targets.push_back(j.targets[0]);
  EXPECT_THROW(Journal::from_json(twice.to_json(), "j"), Error);
}

}  // namespace
}  // namespace f32patch::patch
