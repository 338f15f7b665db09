// f32patch status FILE...: pristine / patched / partially patched / modified since the journal /
// journal belongs to another file, each with its own exit status. Read-only.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/patch/state.hpp>
#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "patch_report.hpp"

namespace f32patch::cli {

namespace {
struct StatusCli {
  std::vector<std::string> files;
  std::string backup;
  bool json = false;
};
}  // namespace

CommandRunner add_status(CLI::App& sub, const GlobalOptions& global) {
  auto cli = std::make_shared<StatusCli>();
  sub.add_option("files", cli->files, "GGUF files to examine")->required()->type_name("FILE");
  sub.add_option("--backup", cli->backup, "Backup journal or full copy (default FILE.backup; one file only)")
      ->type_name("PATH");
  sub.add_flag("--json", cli->json, "One JSON document per file");
  return [cli, &global] {
    if (cli->files.size() > 1 && !cli->backup.empty()) {
      throw Error(ErrorCode::usage, {}, "--backup names one journal; give one file with it");
    }
    return for_each_file(cli->files, [&](const std::string& path) {
      const gguf::Model model = gguf::Model::open(path);
      const patch::Backup backup =
          patch::load_backup(cli->backup.empty() ? patch::default_backup_path(path) : cli->backup);
      const patch::StateReport report = patch::evaluate_state(model, backup);
      if (global.verbosity >= 0) {
        if (cli->json) {
          fmt::print("{}\n", status_json(path, backup, report).dump(2));
        } else {
          fmt::print("{}", status_text(path, backup, report));
          if (!report.hint.empty()) fmt::print(stderr, "f32patch: hint: {}: {}\n", path, report.hint);
        }
        flush_stdout();
      }
      return status_exit_code(report.state);
    });
  };
}

}  // namespace f32patch::cli
