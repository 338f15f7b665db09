// The patch engine: apply a recipe to a model in place, and restore it, as transactions.
//
// apply:   refuse unsafe targets (read-only, content-addressed blobs, a backup that is the
//          model) -> lock the model (exclusive flock; a second apply or restore fails fast)
//          -> plan against the bytes and the journal -> write the journal (temp file, fsync,
//          rename, fsync directory) -> write the new bytes -> fsync the model -> read back.
// --output: plan against the input and its journal (so a patched input never compounds)
//          -> copy it to a hidden temporary beside OUT -> patch and fsync the copy -> write
//          OUT's journal -> link the copy into place. Until then Ctrl-C removes the copy.
// restore: lock -> check the journal belongs to this file and each target holds the patched or
//          the original bytes -> write the originals -> fsync -> read back -> remove the journal.
// A crash at any step leaves a file that `restore` returns exactly to its original bytes; the
// failpoints named in docs/journal-format.md let the tests prove it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <f32patch/patch/journal.hpp>
#include <f32patch/patch/recipe.hpp>
#include <f32patch/patch/state.hpp>

namespace f32patch::patch {

struct PlannedTarget {
  std::string tensor;
  std::uint32_t layer = 0;
  std::uint64_t offset = 0;
  std::uint64_t elements = 0;
  double multiplier = 1.0;            // applied to `base` by this run
  double total_multiplier = 1.0;      // original -> new (differs from multiplier with --stack)
  std::vector<std::byte> original;    // pristine bytes (from the journal when it has them)
  std::vector<std::byte> base;        // what the multiplier is applied to
  std::vector<std::byte> current;     // what the file holds now
  std::vector<std::byte> result;      // what the file will hold
  bool in_recipe = true;              // false: an earlier recipe's target being put back
};

enum class PlanKind {
  fresh,     // no journal: multiply the current values
  unchanged, // the same recipe is already applied: nothing to write
  replace,   // another recipe was applied: re-base on the originals from the journal
  stack,     // --stack: multiply on top of what is there, keep the originals
};
std::string_view to_string(PlanKind kind) noexcept;

struct Plan {
  PlanKind kind = PlanKind::fresh;
  Recipe recipe;
  std::vector<PlannedTarget> targets;
  std::vector<JournalRecipe> history;  // the journal's recipe list after this apply
  std::string replaced;                // names of the recipes a replace undoes
  ByteOrder byte_order = ByteOrder::little;
};

struct ApplyOptions {
  std::string backup_path;             // empty: MODEL.backup
  std::optional<std::string> output;   // write a patched copy here, leave the model untouched
  std::string input_backup_path;       // with output: the model's own journal (empty: MODEL.backup)
  bool dry_run = false;
  bool stack = false;
  bool allow_nonpositive = false;      // zero and negative multipliers
  bool any_model = false;              // skip the recipe's architecture / block count check
  bool allow_blob = false;             // edit a content-addressed store blob anyway
  bool full_backup = false;            // --backup-mode full
  bool overwrite_output = false;
  // Called after planning and before any write (apply --verify), under the lock; on a dry run
  // too, without one. May throw to abort; returns digests to keep in the journal
  // ("original"/"patched" -> algo -> hex). Not called when the plan changes nothing.
  std::function<std::map<std::string, std::map<std::string, std::string>>(const std::string& path, const Plan&)>
      before_write;
};

struct ApplyResult {
  std::string path;                    // the file patched (the model, or --output)
  std::string source;                  // with --output: the model it was copied from
  Plan plan;
  std::string backup_path;             // where the journal is
  std::uint64_t backup_bytes = 0;
  bool full_copy_written = false;
  bool wrote = false;
  // What before_write returned (also kept in the journal): "original"/"patched" -> algo -> hex.
  std::map<std::string, std::map<std::string, std::string>> digests;
  std::vector<std::string> warnings;   // for the caller to print (hard links, ...)
};

// Throws Error: usage (bad recipe for this model), invalid_gguf, io, state_conflict.
ApplyResult apply(const std::string& model_path, const Recipe& recipe, const ApplyOptions& options);

// The plan alone, from a parsed model and its backup (no lock, no writes).
Plan make_plan(const gguf::Model& model, const Recipe& recipe, const Backup& backup, const ApplyOptions& options);

struct RestoreOptions {
  std::string backup_path;  // empty: MODEL.backup
  bool force = false;       // write originals even over foreign or modified bytes
  bool dry_run = false;
  bool allow_blob = false;
  bool keep_journal = false;
  // restore --verify: a journal must record the original's digests (apply --verify) to prove
  // the result against; without them, Error{usage} before anything is written.
  bool require_digests = false;
};

struct RestoredRange {
  std::string what;         // tensor name, or "bytes A-B" for a full-copy restore
  std::uint64_t offset = 0;
  std::uint64_t bytes = 0;
  TargetState before = TargetState::patched;
};

struct RestoreResult {
  std::string path;
  std::string backup_path;
  std::string journal_path;             // the backup itself, or PATH.journal beside a full copy
  BackupKind kind = BackupKind::none;
  std::vector<RestoredRange> written;   // what was (or, dry run, would be) written
  std::uint64_t compared_bytes = 0;     // full copy: bytes compared
  bool nothing_to_do = false;
  bool journal_removed = false;
  std::string note;
  std::map<std::string, std::map<std::string, std::string>> digests;  // from the journal
  std::vector<std::string> warnings;    // for the caller to print
  bool journal_kept_for_other = false;  // the journal names another existing file: never remove it
};

RestoreResult restore(const std::string& model_path, const RestoreOptions& options);

// Refuses paths inside a Hugging Face cache (blobs/<sha256>) or an Ollama store
// (sha256-<hex>), following symlinks. Throws Error{state_conflict}.
void refuse_content_addressed(const std::string& path);

}  // namespace f32patch::patch
