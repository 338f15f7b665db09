// What state a model file is in, judged from its bytes and its backup: pristine, patched (with
// which recipes), partially patched (an interrupted apply or restore), modified since the
// journal was written, or paired with a journal that belongs to another file.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/gguf/reader.hpp>
#include <f32patch/patch/journal.hpp>

namespace f32patch::patch {

enum class BackupKind { none, journal, full_copy };

// The backup beside a model: `path` (default MODEL.backup) holds either the compact journal or
// a full GGUF copy (what the published Python script writes); next to a full copy f32patch
// keeps its journal at `path + ".journal"`.
struct Backup {
  std::string path;
  std::string journal_path;
  BackupKind kind = BackupKind::none;
  std::optional<Journal> journal;
};

std::string default_backup_path(const std::string& model_path);
// Reads whatever is at `path`. Throws Error{state_conflict} for a file that is neither.
Backup load_backup(const std::string& path);

enum class FileState { pristine, patched, partial, modified, foreign };
enum class TargetState { original, patched, other };
std::string_view to_string(FileState state) noexcept;
std::string_view to_string(TargetState state) noexcept;

struct StateReport {
  FileState state = FileState::pristine;
  std::string summary;                // one line: "patched: l25l26 (2 tensors)"
  std::string hint;                   // what to do, when the state needs action
  std::vector<TargetState> targets;   // parallel to backup.journal->targets
  std::vector<std::string> differing; // full copy without journal: tensors that differ
};

// Compares the model's bytes with the backup. Never writes.
StateReport evaluate_state(const gguf::Model& model, const Backup& backup);
TargetState target_state(const gguf::Model& model, const JournalTarget& target);

}  // namespace f32patch::patch
