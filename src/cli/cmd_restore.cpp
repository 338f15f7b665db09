// f32patch restore FILE...: puts back the original bytes recorded in the backup journal (or
// the differing byte ranges of a full-copy backup), checks them, then removes the journal.
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/patch/engine.hpp>
#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "patch_report.hpp"
#include "same_file_guard.hpp"

namespace f32patch::cli {

int run_restore(const RestoreRequest& request, const GlobalOptions& global) {
  if (request.files.size() > 1 && !request.options.backup_path.empty()) {
    throw Error(ErrorCode::usage, {}, "--backup names one journal; give one file with it");
  }
  const bool verify = request.verify.wanted() && !request.options.dry_run;
  patch::RestoreOptions options = request.options;
  if (verify) {
    options.keep_journal = true;  // removed only once the digests agree
    options.require_digests = true;
  }
  SameFileGuard guard;
  return for_each_file(request.files, [&](const std::string& path) {
    if (!guard.admit(path, global)) return 0;
    const patch::RestoreResult result = patch::restore(path, options);
    if (request.options.force && !result.note.empty() && result.note.starts_with("--force")) {
      report_warning(global, path, result.note);
    }
    for (const std::string& warning : result.warnings) report_warning(global, path, warning);
    std::string verified;
    const bool has_backup = result.kind != patch::BackupKind::none;
    if (verify && has_backup) verified = verify_restored(result, request.verify, global, !request.options.keep_journal);
    if (global.verbosity >= 0) {
      if (request.json) {
        auto j = restore_json(result, request.options.dry_run);
        j["verified"] = verify && has_backup;
        if (verify && has_backup) j["journal_removed"] = !request.options.keep_journal && !result.journal_kept_for_other;
        fmt::print("{}\n", j.dump(2));
      } else {
        fmt::print("{}{}", restore_text(result, request.options.dry_run), verified);
        if (verify && has_backup && !request.options.keep_journal && !result.journal_removed &&
            !result.journal_kept_for_other) {
          fmt::print("journal {} removed\n", result.journal_path);
        }
      }
      flush_stdout();
    }
    return 0;
  });
}

CommandRunner add_restore(CLI::App& sub, const GlobalOptions& global) {
  auto request = std::make_shared<RestoreRequest>();
  sub.add_option("files", request->files, "GGUF files to restore")->required()->type_name("FILE");
  sub.add_option("--backup", request->options.backup_path, "Backup journal or full copy (default FILE.backup)")
      ->type_name("PATH");
  sub.add_flag("--dry-run,-n", request->options.dry_run, "Say what would be written and change nothing");
  sub.add_flag("--force", request->options.force,
               "Write the originals even over bytes the journal does not expect (loudly)");
  sub.add_flag("--keep-backup", request->options.keep_journal, "Keep the journal after a checked restore");
  sub.add_flag("--allow-blob", request->options.allow_blob,
               "Edit a file that resolves into a Hugging Face or Ollama content-addressed store");
  sub.add_flag("--json", request->json, "The result as one JSON document per file");
  request->verify.add_to(sub, false);
  return [request, &global] { return run_restore(*request, global); };
}

}  // namespace f32patch::cli
