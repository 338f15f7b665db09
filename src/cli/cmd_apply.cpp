// f32patch apply FILE... (--layers L --scale S | --set L=M,... | --recipe NAME|FILE)
// Multiplies the chosen per-layer F32 tensors in place, with a compact backup journal.
#include <cstdio>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/patch/engine.hpp>
#include <f32patch/patch/recipe.hpp>
#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "patch_report.hpp"
#include "patch_verify.hpp"
#include "same_file_guard.hpp"

namespace f32patch::cli {

namespace {

struct ApplyCli {
  std::vector<std::string> files;
  std::string layers;
  std::string scale;
  std::string set;
  std::string recipe;
  std::string tensor;
  std::string backup;
  std::string input_backup;
  std::string backup_mode = "compact";
  std::string output;
  bool dry_run = false;
  bool json = false;
  bool stack = false;
  bool allow_nonpositive = false;
  bool any_model = false;
  bool allow_blob = false;
  bool force = false;
  bool restore = false;
  PatchVerifyOptions verify;
};

[[noreturn]] void usage(std::string message, std::string hint = "see 'f32patch apply --help'") {
  throw Error(ErrorCode::usage, {}, std::move(message), std::move(hint));
}

patch::Recipe recipe_from(const ApplyCli& cli) {
  const int ways = (!cli.layers.empty() || !cli.scale.empty()) + !cli.set.empty() + !cli.recipe.empty();
  if (ways == 0) usage("say what to change: --layers L --scale S, --set L=M,..., or --recipe NAME|FILE");
  if (ways > 1) usage("--layers/--scale, --set and --recipe are alternatives; give one of them");
  const std::string suffix = cli.tensor.empty() ? std::string(gguf::default_target_suffix) : cli.tensor;
  if (!cli.recipe.empty()) {
    if (!cli.tensor.empty()) usage("--tensor cannot be combined with --recipe (a recipe names its tensor)");
    return patch::load_recipe(cli.recipe);
  }
  if (!cli.set.empty()) return patch::recipe_from_set(cli.set, suffix);
  if (cli.layers.empty()) usage("--scale needs --layers");
  if (cli.scale.empty()) usage("--layers needs --scale (or use --set LAYER=MULTIPLIER,...)");
  return patch::recipe_from_layers(cli.layers, cli.scale, suffix);
}

}  // namespace

CommandRunner add_apply(CLI::App& sub, const GlobalOptions& global) {
  auto cli = std::make_shared<ApplyCli>();
  sub.add_option("files", cli->files, "GGUF files to patch (each is handled on its own)")->required()->type_name("FILE");
  sub.add_option("--layers", cli->layers, "Layers to multiply: 25,26 or ranges 18-21,25")->type_name("LIST");
  sub.add_option("--scale", cli->scale, "Multiplier for --layers (a decimal, e.g. 1.5)")->type_name("X");
  sub.add_option("--set", cli->set, "Per-layer multipliers: 25=1.5,26=1.289 (ranges allowed: 18-21=0.8)")
      ->type_name("L=X,...");
  sub.add_option("--recipe", cli->recipe, "A built-in recipe (see 'f32patch recipes') or a TOML recipe file")
      ->type_name("NAME|FILE");
  sub.add_option("--tensor", cli->tensor,
                 "Tensor family blk.N.SUFFIX to multiply (default layer_output_scale.weight); every element "
                 "of a vector is multiplied")
      ->type_name("SUFFIX");
  sub.add_flag("--dry-run,-n", cli->dry_run, "Print the plan and change nothing");
  sub.add_flag("--json", cli->json, "Plan and result as one JSON document per file");
  sub.add_flag("--stack", cli->stack, "Multiply on top of an applied recipe instead of replacing it");
  sub.add_flag("--allow-nonpositive", cli->allow_nonpositive, "Allow zero and negative multipliers");
  sub.add_flag("--any-model", cli->any_model, "Apply a recipe to a model of another architecture or block count");
  sub.add_flag("--allow-blob", cli->allow_blob,
               "Edit a file that resolves into a Hugging Face or Ollama content-addressed store");
  sub.add_option("--backup", cli->backup, "Backup journal path (default FILE.backup; one file only)")->type_name("PATH");
  sub.add_option("--backup-mode", cli->backup_mode,
                 "compact: a journal of the changed bytes; full: also a full copy at the backup path (as the "
                 "published script makes; the journal goes to PATH.journal)")
      ->check(CLI::IsMember({"compact", "full"}))
      ->capture_default_str();
  sub.add_option("--output,-o", cli->output, "Write a patched copy here and leave FILE untouched (one file only)")
      ->type_name("OUT.gguf");
  sub.add_option("--input-backup", cli->input_backup,
                 "With --output: the input's own journal, when it is not FILE.backup")
      ->type_name("PATH");
  sub.add_flag("--force", cli->force,
               "With --output: replace an existing output file and its backup; with --restore: as restore --force");
  sub.add_flag("--restore", cli->restore, "Same as 'f32patch restore FILE...'");
  cli->verify.add_to(sub, true);

  return [cli, &global] {
    if (cli->restore) {
      if (!cli->layers.empty() || !cli->scale.empty() || !cli->set.empty() || !cli->recipe.empty() ||
          !cli->tensor.empty() || !cli->output.empty() || cli->stack) {
        usage("--restore puts the original bytes back; it takes no recipe, --tensor, --output or --stack",
              "see 'f32patch restore --help'");
      }
      RestoreRequest request;
      request.files = cli->files;
      request.options.backup_path = cli->backup;
      request.options.dry_run = cli->dry_run;
      request.options.allow_blob = cli->allow_blob;
      request.options.force = cli->force;
      request.json = cli->json;
      request.verify = cli->verify;
      return run_restore(request, global);
    }
    const patch::Recipe recipe = recipe_from(*cli);
    if (cli->files.size() > 1 && !cli->backup.empty()) usage("--backup names one journal; give one file with it");
    if (cli->files.size() > 1 && !cli->output.empty()) usage("--output names one copy; give one file with it");
    patch::ApplyOptions options;
    if (!cli->input_backup.empty() && cli->output.empty()) usage("--input-backup goes with --output; use --backup");
    options.backup_path = cli->backup;
    options.input_backup_path = cli->input_backup;
    if (!cli->output.empty()) options.output = cli->output;
    options.dry_run = cli->dry_run;
    options.stack = cli->stack;
    options.allow_nonpositive = cli->allow_nonpositive;
    options.any_model = cli->any_model;
    options.allow_blob = cli->allow_blob;
    options.full_backup = cli->backup_mode == "full";
    options.overwrite_output = cli->force;
    if (cli->verify.wanted()) options.before_write = make_apply_hook(cli->verify, global);
    SameFileGuard guard;
    return for_each_file(cli->files, [&](const std::string& path) {
      if (!guard.admit(path, global)) return 0;
      const patch::ApplyResult result = patch::apply(path, recipe, options);
      for (const std::string& warning : result.warnings) report_warning(global, path, warning);
      if (global.verbosity >= 0) {
        if (cli->json) {
          fmt::print("{}\n", apply_json(result, cli->dry_run).dump(2));
        } else {
          fmt::print("{}{}", apply_text(result, cli->dry_run), digests_text(result.digests));
        }
        flush_stdout();
      }
      note_published_digests(global, result.path, result.digests);
      return 0;
    });
  };
}

}  // namespace f32patch::cli
