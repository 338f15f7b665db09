#include <f32patch/patch/state.hpp>

#include <algorithm>
#include <array>

#include <fcntl.h>
#include <sys/stat.h>
#include <cstring>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/util/file.hpp>
#include <f32patch/util/mapped_file.hpp>

namespace f32patch::patch {

std::string default_backup_path(const std::string& model_path) {
  const std::string beside = model_path + ".backup";
  struct stat st {};
  if (::lstat(model_path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return beside;
  // A symlink: the journal belongs beside the file itself, so that the link and the real name
  // (or two links) share it. A backup beside the link (the published script puts its full copy
  // beside the name it was given) would be seen through the link only: refused until it is
  // moved beside the file, so that every name sees the same backup.
  const std::string resolved = canonical_path(model_path) + ".backup";
  if (!path_exists(resolved) && (path_exists(beside) || path_exists(beside + ".journal"))) {
    throw Error(ErrorCode::state_conflict, model_path,
                fmt::format("is a symlink to {}, and its backup {} is beside the link; f32patch keeps backups "
                            "beside the file itself ({}), where every name of the file finds them",
                            canonical_path(model_path), beside, resolved),
                fmt::format("move it there (mv '{0}' '{1}'; and '{0}.journal' '{1}.journal' if present), or "
                            "name it with --backup",
                            beside, resolved));
  }
  return resolved;
}

std::string_view to_string(FileState state) noexcept {
  switch (state) {
    case FileState::pristine: return "pristine";
    case FileState::patched: return "patched";
    case FileState::partial: return "partially patched";
    case FileState::modified: return "modified since the journal";
    case FileState::foreign: return "journal belongs to another file";
  }
  return "?";
}

std::string_view to_string(TargetState state) noexcept {
  switch (state) {
    case TargetState::original: return "original";
    case TargetState::patched: return "patched";
    case TargetState::other: return "other";
  }
  return "?";
}

namespace {

bool starts_with_gguf_magic(const std::string& path) {
  const FileHandle file = FileHandle::open(path, O_RDONLY);
  if (file.size() < 4) return false;
  std::array<std::byte, 4> magic{};
  file.read_at(0, magic);
  return std::memcmp(magic.data(), "GGUF", 4) == 0;
}

Journal read_journal(const std::string& path) {
  return Journal::from_json(read_small_file(path, journal_size_limit), path);
}

bool equal_bytes(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string recipe_names(const Journal& journal) {
  std::vector<std::string> names;
  for (const auto& r : journal.recipes) names.push_back(gguf::display_text(r.name));
  return fmt::format("{}", fmt::join(names, " + "));
}

// A full GGUF copy without an f32patch journal: compare the F32 tensors (small; where every
// published patch lands) between the two files. Quantized weights are not compared here.
StateReport evaluate_full_copy(const gguf::Model& model, const Backup& backup) {
  StateReport report;
  const auto copy = gguf::Model::open(backup.path);
  if (model_identity(copy) != model_identity(model)) {
    report.state = FileState::foreign;
    report.summary = fmt::format("the full copy {} has another size or header", backup.path);
    report.hint = "the backup is not a copy of this file; restore refuses it";
    return report;
  }
  for (const auto& tensor : model.tensors()) {
    if (tensor.type != gguf::TensorType::F32) continue;
    const auto mine = model.bytes().subspan(static_cast<std::size_t>(tensor.file_offset), static_cast<std::size_t>(tensor.byte_size));
    const auto theirs = copy.bytes().subspan(static_cast<std::size_t>(tensor.file_offset), static_cast<std::size_t>(tensor.byte_size));
    if (!equal_bytes(mine, theirs)) report.differing.push_back(tensor.name);
  }
  if (report.differing.empty()) {
    report.state = FileState::pristine;
    report.summary = fmt::format("F32 tensors equal the full copy {}", backup.path);
  } else {
    report.state = FileState::patched;
    report.summary = fmt::format("patched by another tool: {} F32 tensors differ from the full copy {}",
                                 report.differing.size(), backup.path);
    report.hint = "'f32patch restore' writes back only the differing bytes";
  }
  return report;
}

}  // namespace

Backup load_backup(const std::string& path) {
  Backup backup;
  backup.path = path;
  backup.journal_path = path;
  if (!path_exists(path)) {
    if (path_exists(path + ".journal")) {
      throw Error(ErrorCode::state_conflict, path,
                  fmt::format("the full copy is missing but its journal {}.journal exists", path),
                  "restore the full copy, or remove the stray journal if the file is pristine");
    }
    return backup;
  }
  if (starts_with_gguf_magic(path)) {
    backup.kind = BackupKind::full_copy;
    backup.journal_path = path + ".journal";
    if (path_exists(backup.journal_path)) backup.journal = read_journal(backup.journal_path);
    return backup;
  }
  backup.kind = BackupKind::journal;
  backup.journal = read_journal(path);
  return backup;
}

TargetState target_state(const gguf::Model& model, const JournalTarget& target) {
  const auto size = target.original.size();
  if (target.offset > model.file_size() || size > model.file_size() - target.offset) return TargetState::other;
  const auto current = model.bytes().subspan(static_cast<std::size_t>(target.offset), size);
  if (equal_bytes(current, target.patched)) return TargetState::patched;
  if (equal_bytes(current, target.original)) return TargetState::original;
  return TargetState::other;
}

StateReport evaluate_state(const gguf::Model& model, const Backup& backup) {
  if (!backup.journal) {
    if (backup.kind == BackupKind::full_copy) return evaluate_full_copy(model, backup);
    return {FileState::pristine, "no backup journal: f32patch has not patched this file", {}, {}, {}};
  }
  const Journal& journal = *backup.journal;
  StateReport report;
  const ModelIdentity identity = model_identity(model);
  if (identity != journal.identity) {
    report.state = FileState::foreign;
    report.summary = identity.file_size != journal.identity.file_size
                         ? fmt::format("journal {} is for a file of {} bytes, this one has {}", backup.journal_path,
                                       journal.identity.file_size, identity.file_size)
                         : fmt::format("journal {} is for another file (header digest {}, this one has {})",
                                       backup.journal_path, journal.identity.header_xxh128, identity.header_xxh128);
    report.hint = "the journal belongs to another download or version of the model; pass the right --backup "
                  "(with --output, --input-backup names the input's)";
    return report;
  }
  if (const std::string problem = journal_mismatch(model, journal); !problem.empty()) {
    report.state = FileState::foreign;
    report.summary = fmt::format("journal {} does not fit this file: {}", backup.journal_path, problem);
    report.hint = "the journal was edited by hand or written for another file; f32patch will not write by it";
    return report;
  }
  std::size_t patched = 0, original = 0, other = 0, changing = 0;
  for (const auto& target : journal.targets) {
    const TargetState state = target_state(model, target);
    report.targets.push_back(state);
    const bool changes = !equal_bytes(target.original, target.patched);
    changing += changes;
    if (state == TargetState::other) ++other;
    // A target whose patch leaves it unchanged counts as both; only real changes decide.
    else if (state == TargetState::patched && changes) ++patched;
    else if (changes) ++original;
  }
  if (other > 0) {
    report.state = FileState::modified;
    report.summary = fmt::format("{} of {} journal targets hold neither the original nor the patched bytes", other,
                                 journal.targets.size());
    report.hint = "something else changed the file after f32patch patched it; 'restore --force' writes the originals";
  } else if (changing == 0) {
    report.state = FileState::pristine;
    report.summary = fmt::format("pristine: the journal's recipe {} changes no bytes", recipe_names(journal));
  } else if (patched == changing) {
    report.state = FileState::patched;
    report.summary = fmt::format("patched: {} ({} tensors)", recipe_names(journal), changing);
  } else if (patched == 0) {
    report.state = FileState::pristine;
    report.summary = fmt::format("pristine: every target holds its original bytes, but the journal for {} is still "
                                 "there (an interrupted apply, or a restore whose check failed)",
                                 recipe_names(journal));
    report.hint = "'f32patch restore' removes the stale journal; 'f32patch apply' starts over";
  } else {
    report.state = FileState::partial;
    report.summary = fmt::format("partially patched: {} of {} tensors of {} written (an interrupted apply or restore?)",
                                 patched, changing, recipe_names(journal));
    report.hint = "'f32patch restore' returns it to the original bytes";
  }
  return report;
}

}  // namespace f32patch::patch
