#include <f32patch/patch/engine.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/format.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/split.hpp>
#include <f32patch/gguf/text.hpp>
#include <f32patch/util/error.hpp>
#include <f32patch/util/failpoint.hpp>
#include <f32patch/util/file.hpp>
#include <f32patch/util/hex.hpp>

namespace f32patch::patch {

std::string_view to_string(PlanKind kind) noexcept {
  switch (kind) {
    case PlanKind::fresh: return "apply";
    case PlanKind::unchanged: return "unchanged";
    case PlanKind::replace: return "replace";
    case PlanKind::stack: return "stack";
  }
  return "?";
}

namespace {

using Bytes = std::vector<std::byte>;

// Holds SIGINT, SIGTERM and SIGHUP while a transaction writes; a signal that arrived meanwhile
// is delivered when the guard ends, after the file and its journal agree again.
class SignalHold {
 public:
  SignalHold() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigprocmask(SIG_BLOCK, &set, &m_previous);
  }
  ~SignalHold() { sigprocmask(SIG_SETMASK, &m_previous, nullptr); }
  SignalHold(const SignalHold&) = delete;
  SignalHold& operator=(const SignalHold&) = delete;

 private:
  sigset_t m_previous{};
};

bool equal_bytes(std::span<const std::byte> a, std::span<const std::byte> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes copy_bytes(std::span<const std::byte> bytes) { return Bytes(bytes.begin(), bytes.end()); }

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// Every element of `base` times `multiplier`, computed in double and rounded to the nearest F32.
// A non-finite result is always refused; a non-zero value rounding to zero (a multiplier too
// small for F32) only with allow_zero, the same permission zero multipliers need.
Bytes multiply(const Bytes& base, double multiplier, ByteOrder order, bool allow_zero, const std::string& path,
               const std::string& tensor) {
  Bytes out(base.size());
  for (std::size_t i = 0; i + 4 <= base.size(); i += 4) {
    const float value = load<float>(base.data() + i, order);
    const double product = static_cast<double>(value) * multiplier;
    const auto result = static_cast<float>(product);
    if (!std::isfinite(result)) {
      throw Error(ErrorCode::usage, path,
                  fmt::format("tensor '{}' element {}: {} x {} = {} is not a finite F32 value", tensor, i / 4, value,
                              format_multiplier(multiplier), product),
                  "llama.cpp rejects NaN and infinity (--check-tensors); f32patch will not write them");
    }
    if (result == 0.0f && value != 0.0f && !allow_zero) {
      throw Error(ErrorCode::usage, path,
                  fmt::format("tensor '{}' element {}: {} x {} = {} rounds to zero in F32, erasing the value", tensor,
                              i / 4, value, format_multiplier(multiplier), product),
                  "pass --allow-nonpositive if that is what you want");
    }
    store(out.data() + i, result, order);
  }
  return out;
}

// original -> current, as a multiplier: the ratio of the first non-zero element (for a
// journal's record of what another tool did, which left no multiplier behind).
double observed_ratio(const Bytes& original, const Bytes& current, ByteOrder order) {
  for (std::size_t i = 0; i + 4 <= original.size() && i + 4 <= current.size(); i += 4) {
    const float before = load<float>(original.data() + i, order);
    if (before != 0.0f) return static_cast<double>(load<float>(current.data() + i, order)) / static_cast<double>(before);
  }
  return 1.0;
}

bool mode_is_read_only(const struct stat& st) { return (st.st_mode & 0222) == 0; }

// Refuses, before anything is written, a model or a backup directory that cannot or should not
// be written: no write permission (even for root: a file chmod'ed read-only was meant to stay
// so), a read-only file system.
void check_writable(const std::string& path, bool is_directory) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw_io_error(path, "cannot stat", errno);
  const std::string_view what = is_directory ? "directory" : "file";
  if (mode_is_read_only(st)) {
    throw Error(ErrorCode::io, path,
                fmt::format("{} is read-only (mode {:04o}); f32patch will not change it", what, st.st_mode & 07777),
                is_directory ? "make the directory writable, or choose another place with --backup"
                             : "make it writable (chmod u+w), or write a patched copy with --output");
  }
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY) != 0) {
    throw Error(ErrorCode::io, path, fmt::format("{} is on a read-only file system", what),
                "write a patched copy elsewhere with --output");
  }
  if (::access(path.c_str(), W_OK) != 0) throw_io_error(path, fmt::format("{} is not writable", what), errno);
}

// A kill between creating and renaming a temporary journal (or full copy) leaves
// ".NAME.tmp.XXXXXX" beside it; with the model locked, no other f32patch can be writing one.
void remove_stale_temporaries(const std::string& journal_path) {
  for (const std::string& path : {journal_path, journal_path + ".journal"}) remove_stale_copies(path);
}

FileHandle lock_model(const std::string& path) {
  FileHandle file = FileHandle::open(path, O_RDWR);
  if (!file.try_lock_exclusive()) {
    throw Error(ErrorCode::state_conflict, path, "is locked by another f32patch apply or restore",
                "wait for it to finish; f32patch never waits or writes concurrently");
  }
  failpoint("apply.locked");
  return file;
}

void check_written(const FileHandle& file, std::uint64_t offset, const Bytes& expected, const std::string& what) {
  Bytes back(expected.size());
  file.read_at(offset, back);
  if (!equal_bytes(back, expected)) {
    throw Error(ErrorCode::io, file.path(), fmt::format("{} at byte {} does not read back as written", what, offset),
                "the storage did not keep the write; 'f32patch restore' puts the original bytes back");
  }
}

std::string recipe_names(const std::vector<JournalRecipe>& recipes) {
  std::vector<std::string> names;
  for (const auto& r : recipes) names.push_back(gguf::display_text(r.name));
  return fmt::format("{}", fmt::join(names, " + "));
}

// For a shard of a split model (gguf-split): where the other tensors and the metadata are, and
// how to patch them. Empty for a file that is not a shard of several.
std::string split_hint(const gguf::Model& model) {
  const auto split = gguf::split_info(model);
  if (!split || !split->consistent() || *split->count < 2) return {};
  return fmt::format(
      "this file is shard {} of {} of a split model: each shard holds some of the tensors, and only the first "
      "the model's metadata. f32patch patches one file at a time: give it the shard that holds the layer "
      "('f32patch inspect' on each shard lists its layers), with --layers/--set (or --any-model for a recipe), "
      "or merge the set with 'llama-gguf-split --merge' first",
      *split->no + 1, *split->count);
}

void check_recipe_fits(const gguf::Model& model, const Recipe& recipe, const ApplyOptions& options) {
  if (options.any_model) return;
  const std::string split = split_hint(model);
  const std::string override_hint = split.empty() ? "pass --any-model to apply it anyway" : split;
  if (recipe.architecture && model.architecture() != *recipe.architecture) {
    throw Error(ErrorCode::usage, model.path(),
                fmt::format("recipe '{}' is for {} models, this file is {}", recipe.name, *recipe.architecture,
                            model.architecture().empty() ? std::string("of no stated architecture")
                                                         : gguf::quoted(model.architecture())),
                override_hint);
  }
  if (recipe.block_count && model.block_count() != recipe.block_count) {
    throw Error(ErrorCode::usage, model.path(),
                fmt::format("recipe '{}' is for models of {} blocks, this file has {}", recipe.name, *recipe.block_count,
                            model.block_count() ? fmt::to_string(*model.block_count()) : std::string("no block count")),
                override_hint);
  }
}

}  // namespace

void refuse_content_addressed(const std::string& path) {
  if (!path_exists(path)) return;  // the open that follows reports it
  const std::string real = canonical_path(path);
  const auto slash = real.find_last_of('/');
  const std::string base = real.substr(slash + 1);
  const std::string parent = real.substr(0, slash);
  const bool hf_blob = parent.ends_with("/blobs") && base.size() == 64 && is_lower_hex(base);
  // Ollama names blobs sha256-<hex>; releases before 0.1.33 wrote sha256:<hex>.
  const bool ollama_blob = (base.starts_with("sha256-") || base.starts_with("sha256:")) && base.size() == 7 + 64 &&
                           is_lower_hex(base.substr(7));
  if (!hf_blob && !ollama_blob) return;
  throw Error(ErrorCode::state_conflict, path,
              fmt::format("resolves to {}, a content-addressed {} blob: its name is the hash of its bytes and other "
                          "snapshots may share it, so editing it in place would silently corrupt them all",
                          real, hf_blob ? "Hugging Face cache" : "Ollama"),
              "write a patched copy with --output model-patched.gguf (or pass --allow-blob if you really mean it)");
}

Plan make_plan(const gguf::Model& model, const Recipe& recipe, const Backup& backup, const ApplyOptions& options) {
  const std::string& path = model.path();
  check_recipe_fits(model, recipe, options);
  const gguf::LayerMap layers = gguf::map_layers(model, recipe.tensor_suffix);

  Plan plan;
  plan.recipe = recipe;
  plan.byte_order = model.byte_order();

  // What the journal (or a full copy) says about the file.
  const StateReport state = evaluate_state(model, backup);
  if (state.state == FileState::foreign || state.state == FileState::modified) {
    throw Error(ErrorCode::state_conflict, path, fmt::format("cannot apply: {}", state.summary), state.hint);
  }
  const Journal* journal = backup.journal ? &*backup.journal : nullptr;
  std::optional<gguf::Model> copy;
  if (!journal && backup.kind == BackupKind::full_copy) copy.emplace(gguf::Model::open(backup.path));
  if (options.stack && state.state == FileState::partial) {
    throw Error(ErrorCode::state_conflict, path, fmt::format("cannot stack on a {}", state.summary),
                "run 'f32patch restore' first");
  }

  auto original_of = [&](const gguf::TensorInfo& tensor) -> Bytes {
    if (journal != nullptr) {
      if (const JournalTarget* t = journal->find(tensor.name)) return t->original;
    }
    const gguf::Model& source = copy ? *copy : model;
    return copy_bytes(source.bytes().subspan(static_cast<std::size_t>(tensor.file_offset), static_cast<std::size_t>(tensor.byte_size)));
  };

  for (const LayerMultiplier& m : recipe.multipliers) {
    const auto it = layers.tensors.find(m.layer);
    if (it == layers.tensors.end()) {
      const std::string name = fmt::format("blk.{}.{}", m.layer, recipe.tensor_suffix);
      throw Error(ErrorCode::usage, path,
                  layers.block_count && m.layer >= *layers.block_count
                      ? fmt::format("layer {} is beyond the model's {} blocks (layers 0-{})", m.layer,
                                    *layers.block_count, *layers.block_count - 1)
                      : fmt::format("layer {} has no tensor '{}'", m.layer, name),
                  split_hint(model));
    }
    if (!options.allow_nonpositive && m.multiplier <= 0) {
      throw Error(ErrorCode::usage, path,
                  fmt::format("multiplier of layer {} is {}: zero and negative multipliers erase or flip the "
                              "layer's output", m.layer, format_multiplier(m.multiplier)),
                  "pass --allow-nonpositive if that is what you want");
    }
    const gguf::TensorInfo& tensor = *it->second;
    if (tensor.type != gguf::TensorType::F32) {
      throw Error(ErrorCode::invalid_gguf, path,
                  fmt::format("tensor '{}' has type {}, expected F32", tensor.name, gguf::tensor_type_name(tensor.type)),
                  "f32patch multiplies F32 tensors only; quantized tensors cannot be scaled in place");
    }
    PlannedTarget target;
    target.tensor = tensor.name;
    target.layer = m.layer;
    target.offset = tensor.file_offset;
    target.elements = tensor.element_count;
    target.multiplier = m.multiplier;
    target.original = original_of(tensor);
    target.current = copy_bytes(model.bytes().subspan(static_cast<std::size_t>(tensor.file_offset), static_cast<std::size_t>(tensor.byte_size)));
    target.base = options.stack ? target.current : target.original;
    const JournalTarget* recorded = journal ? journal->find(tensor.name) : nullptr;
    if (options.stack) {
      const double before = recorded != nullptr ? recorded->multiplier
                                                : observed_ratio(target.original, target.current, model.byte_order());
      target.total_multiplier = before * m.multiplier;
    } else {
      target.total_multiplier = m.multiplier;
    }
    target.result = multiply(target.base, m.multiplier, model.byte_order(), options.allow_nonpositive, path, tensor.name);
    plan.targets.push_back(std::move(target));
  }

  // Targets of earlier recipes that this one does not touch: put back (replace) or kept (stack).
  if (journal != nullptr) {
    for (const JournalTarget& recorded : journal->targets) {
      const bool covered = std::any_of(plan.targets.begin(), plan.targets.end(),
                                       [&](const PlannedTarget& t) { return t.tensor == recorded.tensor; });
      if (covered) continue;
      PlannedTarget target;
      target.tensor = recorded.tensor;
      target.layer = recorded.layer;
      target.offset = recorded.offset;
      target.elements = recorded.original.size() / 4;
      target.original = recorded.original;
      target.current = copy_bytes(model.bytes().subspan(static_cast<std::size_t>(recorded.offset), recorded.original.size()));
      target.base = target.current;
      target.in_recipe = false;
      target.multiplier = 1.0;
      if (options.stack) {
        target.result = target.current;
        target.total_multiplier = recorded.multiplier;
      } else {
        target.result = recorded.original;
        target.total_multiplier = 1.0;
      }
      plan.targets.push_back(std::move(target));
    }
  }

  // A full copy without a journal: F32 tensors another tool changed that this recipe does not
  // touch are put back from the copy, so the result equals the recipe on the pristine file.
  if (copy) {
    for (const std::string& name : state.differing) {
      const bool covered = std::any_of(plan.targets.begin(), plan.targets.end(),
                                       [&](const PlannedTarget& t) { return t.tensor == name; });
      if (covered) continue;
      const gguf::TensorInfo& tensor = *model.find_tensor(name);
      PlannedTarget target;
      target.tensor = tensor.name;
      target.layer = gguf::parse_layer_name(tensor.name, recipe.tensor_suffix).value_or(0);
      target.offset = tensor.file_offset;
      target.elements = tensor.element_count;
      target.original = original_of(tensor);
      target.current = copy_bytes(model.bytes().subspan(static_cast<std::size_t>(tensor.file_offset), static_cast<std::size_t>(tensor.byte_size)));
      target.base = target.current;
      target.in_recipe = false;
      target.result = options.stack ? target.current : target.original;
      target.total_multiplier = options.stack ? observed_ratio(target.original, target.current, model.byte_order()) : 1.0;
      plan.targets.push_back(std::move(target));
    }
  }

  const bool something_patched = state.state == FileState::patched || state.state == FileState::partial;
  if (options.stack) {
    plan.kind = PlanKind::stack;
    if (journal != nullptr) plan.history = journal->recipes;
    plan.history.push_back(journal_recipe(recipe));
    return plan;
  }
  plan.history = {journal_recipe(recipe)};
  const bool all_in_place = std::all_of(plan.targets.begin(), plan.targets.end(),
                                        [](const PlannedTarget& t) { return equal_bytes(t.current, t.result); });
  if (journal != nullptr && journal->recipes.size() == 1 && journal->recipes.front().fingerprint() == recipe.fingerprint() &&
      all_in_place) {
    plan.kind = PlanKind::unchanged;
    plan.history = journal->recipes;  // keep the name it was applied under
  } else if (something_patched) {
    plan.kind = PlanKind::replace;
    plan.replaced = journal != nullptr ? recipe_names(journal->recipes) : std::string("the changes of another tool");
  } else {
    plan.kind = PlanKind::fresh;
  }
  return plan;
}

namespace {

// The names each target's bytes came from: the recipes of the history that cover its tensor.
std::string recipes_of(const std::string& tensor, const std::vector<JournalRecipe>& history) {
  std::vector<std::string> names;
  for (const JournalRecipe& r : history) {
    for (const LayerMultiplier& m : r.multipliers) {
      if (tensor == fmt::format("blk.{}.{}", m.layer, r.tensor_suffix)) {
        names.push_back(r.name);
        break;
      }
    }
  }
  return names.empty() ? std::string("(another tool)") : fmt::format("{}", fmt::join(names, " + "));
}

// The journal of a planned apply. Targets that an earlier recipe had changed and this one puts
// back are left out: they hold their original bytes before the journal is written.
Journal journal_for(const gguf::Model& model, const Plan& plan, const std::string& model_path) {
  Journal journal;
  journal.identity = model_identity(model);
  journal.model_path = canonical_path(model_path);
  journal.byte_order = model.byte_order() == ByteOrder::little ? "little" : "big";
  journal.created = utc_now();
  journal.tool = "f32patch " F32PATCH_VERSION;
  journal.recipes = plan.history;
  for (const PlannedTarget& t : plan.targets) {
    if (!t.in_recipe && equal_bytes(t.result, t.original)) continue;
    journal.targets.push_back(
        {t.tensor, t.layer, t.offset, t.original, t.result, t.total_multiplier, recipes_of(t.tensor, plan.history)});
  }
  return journal;
}

[[noreturn]] void refuse_collision(const std::string& path, std::string_view role, const std::string& other,
                                   std::string_view other_role) {
  throw Error(ErrorCode::usage, path, fmt::format("{} is {} ({})", role, other_role, other),
              "choose another path; f32patch will not write a file over the one it reads from or keeps as a backup");
}

// The backup must be neither the model nor (for --output) the input or the input's backup.
void check_backup_path(const std::string& model_path, const std::string& backup_path) {
  if (same_file(backup_path, model_path)) refuse_collision(backup_path, "the backup path", model_path, "the model itself");
  if (same_file(backup_path + ".journal", model_path)) {
    refuse_collision(backup_path, "the backup's journal path", model_path, "the model itself");
  }
}

void warn_about_links(const std::string& path, ApplyResult& result) {
  const std::uint64_t links = hard_link_count(path);
  if (links > 1) {
    result.warnings.push_back(fmt::format(
        "has {} hard links: its journal lives beside this name only, so apply and restore it through this name "
        "(through another name f32patch cannot see the journal and would multiply again)",
        links));
  }
}

ApplyResult apply_in_place(const std::string& model_path, const Recipe& recipe, const ApplyOptions& options) {
  ApplyResult result;
  result.path = model_path;
  result.backup_path = options.backup_path.empty() ? default_backup_path(model_path) : options.backup_path;
  check_backup_path(model_path, result.backup_path);
  // Every refusal the real run would meet comes before the plan, so a dry run meets it too.
  if (!options.allow_blob) refuse_content_addressed(model_path);
  check_writable(model_path, false);
  check_writable(parent_directory(result.backup_path), true);
  warn_about_links(model_path, result);

  // A dry run plans exactly as the real run does, without the lock and without writing.
  FileHandle file;
  if (!options.dry_run) {
    file = lock_model(model_path);
    remove_stale_temporaries(result.backup_path);
  }
  const gguf::Model model = gguf::Model::open(model_path);
  Backup backup = load_backup(result.backup_path);
  result.plan = make_plan(model, recipe, backup, options);
  if (result.plan.kind == PlanKind::unchanged) return result;
  if (options.before_write) result.digests = options.before_write(model_path, result.plan);
  if (options.dry_run) return result;

  Journal journal = journal_for(model, result.plan, model_path);
  journal.digests = result.digests;

  // The full copy comes before any byte changes and before signals are held: it is the slow
  // part, and Ctrl-C during it must leave the model untouched (and no half copy behind).
  if (options.full_backup && backup.kind == BackupKind::none) {
    TemporaryCopy copy(model_path, result.backup_path);
    copy.commit(false);
    result.full_copy_written = true;
    backup.kind = BackupKind::full_copy;
  }

  const SignalHold hold;
  // A replace or a --stack finds targets holding an earlier recipe's bytes, which the new journal
  // does not record (it keeps only the originals and the new bytes). Put their originals back
  // first, under the old journal (or full copy), which knows both: a crash at any point then
  // leaves only bytes that the journal on disk knows, and `restore` returns the pristine file.
  bool reset = false;
  for (PlannedTarget& t : result.plan.targets) {
    if (equal_bytes(t.current, t.original) || equal_bytes(t.current, t.result)) continue;
    file.write_at(t.offset, t.original);
    failpoint("apply.target_reset");
    t.current = t.original;
    reset = true;
  }
  if (reset) file.sync();

  const std::string journal_path =
      backup.kind == BackupKind::full_copy ? result.backup_path + ".journal" : result.backup_path;
  const std::string text = journal.to_json();
  replace_file_atomically(journal_path, std::as_bytes(std::span(text)));
  result.backup_path = journal_path;
  result.backup_bytes = text.size();
  failpoint("apply.journal_committed");

  for (const PlannedTarget& t : result.plan.targets) {
    if (equal_bytes(t.current, t.result)) continue;
    file.write_at(t.offset, t.result);
    failpoint("apply.target_written");
  }
  failpoint("apply.written");
  file.sync();
  failpoint("apply.synced");
  for (const PlannedTarget& t : result.plan.targets) check_written(file, t.offset, t.result, fmt::format("tensor '{}'", t.tensor));
  result.wrote = true;
  return result;
}

// --output: the input is only read. The plan is made against the input and its own journal, so
// a patched input gives a copy equal to the recipe applied to the pristine file, and the copy's
// journal records the true originals.
ApplyResult apply_to_copy(const std::string& model_path, const Recipe& recipe, const ApplyOptions& options) {
  const std::string& output = *options.output;
  ApplyResult result;
  result.path = output;
  result.source = model_path;
  if (options.full_backup) {
    throw Error(ErrorCode::usage, output, "--backup-mode full does not go with --output",
                "the input stays as it is: it is the full copy; the output gets a compact journal");
  }
  result.backup_path = options.backup_path.empty() ? default_backup_path(output) : options.backup_path;
  const std::string input_backup =
      options.input_backup_path.empty() ? default_backup_path(model_path) : options.input_backup_path;

  if (same_file(output, model_path)) refuse_collision(output, "--output", model_path, "the input model");
  for (const std::string& theirs : {input_backup, input_backup + ".journal"}) {
    if (same_file(output, theirs)) refuse_collision(output, "--output", theirs, "the input's backup");
    if (same_file(result.backup_path, theirs)) refuse_collision(result.backup_path, "the output's backup", theirs, "the input's backup");
  }
  if (same_file(result.backup_path, model_path)) {
    refuse_collision(result.backup_path, "the output's backup", model_path, "the input model");
  }
  check_backup_path(output, result.backup_path);
  struct stat link {};
  if (::lstat(output.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    throw Error(ErrorCode::usage, output, "--output is a symlink; f32patch writes the copy only to a plain name",
                "name the file itself, or remove the link first");
  }
  remove_stale_copies(output);  // what a killed --output left behind
  auto refuse_existing = [&] {
    if (options.overwrite_output) return;
    if (path_exists(output)) {
      throw Error(ErrorCode::state_conflict, output, "already exists; f32patch will not overwrite it",
                  "choose another --output, or pass --force");
    }
    for (const std::string& stale : {result.backup_path, result.backup_path + ".journal"}) {
      if (path_exists(stale)) {
        throw Error(ErrorCode::state_conflict, stale,
                    fmt::format("already exists beside the --output file, which does not (an interrupted --output?)"),
                    "remove it, choose another --output, or pass --force to start over");
      }
    }
  };
  refuse_existing();
  if (!options.allow_blob) refuse_content_addressed(output);
  check_writable(parent_directory(output), true);
  check_writable(parent_directory(result.backup_path), true);

  // A shared lock: an apply or restore of the input (exclusive) cannot run while it is copied.
  const FileHandle input_file = FileHandle::open(model_path, O_RDONLY);
  if (!input_file.try_lock_shared()) {
    throw Error(ErrorCode::state_conflict, model_path, "is locked by another f32patch apply or restore",
                "wait for it to finish; f32patch never waits or copies a file that is being changed");
  }
  const gguf::Model input = gguf::Model::open(model_path);
  const Backup backup = load_backup(input_backup);
  result.plan = make_plan(input, recipe, backup, options);
  if (options.before_write) result.digests = options.before_write(model_path, result.plan);
  if (options.dry_run) return result;

  Journal journal = journal_for(input, result.plan, output);
  journal.digests = result.digests;
  const std::string text = journal.to_json();
  // Everything slow happens on the hidden copy; an old output (--force) stays until the new one
  // replaces it.
  TemporaryCopy copy(model_path, output);
  for (const PlannedTarget& t : result.plan.targets) {
    if (!equal_bytes(t.current, t.result)) copy.file().write_at(t.offset, t.result);
  }
  copy.file().sync();
  for (const PlannedTarget& t : result.plan.targets) {
    check_written(copy.file(), t.offset, t.result, fmt::format("tensor '{}'", t.tensor));
  }
  {
    // The journal and the name go in together, under a lock on the output's directory, so two
    // runs writing the same --output cannot pair one's file with the other's journal. The
    // journal first: a crash in between leaves a journal without its file (refused until
    // --force), never a patched file without a journal.
    const FileHandle directory = FileHandle::open(parent_directory(output), O_RDONLY | O_DIRECTORY);
    directory.lock_exclusive();
    refuse_existing();
    const SignalHold hold;
    replace_file_atomically(result.backup_path, std::as_bytes(std::span(text)));
    failpoint("output.journal_committed");
    copy.commit(options.overwrite_output);
    // A full copy that an earlier run kept at the backup path had its journal beside it.
    if (options.overwrite_output) remove_file_durably(result.backup_path + ".journal");
  }
  result.backup_bytes = text.size();
  result.wrote = true;
  return result;
}

}  // namespace

ApplyResult apply(const std::string& model_path, const Recipe& recipe, const ApplyOptions& options) {
  return options.output ? apply_to_copy(model_path, recipe, options) : apply_in_place(model_path, recipe, options);
}

namespace {

// A journal found through --backup may be another file's, of identical content: restore by it,
// but leave it for the file it was written for while that file exists. A journal at this
// model's own backup path is this model's, wherever it was first written (a model moved or
// copied with its journal).
bool journal_kept_for_its_owner(const std::string& model_path, const Backup& backup, const RestoreOptions& options,
                                RestoreResult& result) {
  if (!backup.journal || options.backup_path.empty()) return false;
  const std::string& owner = backup.journal->model_path;
  if (owner.empty() || same_file(owner, model_path) || !path_exists(owner)) return false;
  try {
    if (same_file(options.backup_path, default_backup_path(model_path))) return false;
  } catch (const Error&) {  // a backup beside a symlink: not this model's own place either
  }
  result.journal_kept_for_other = true;
  result.warnings.push_back(fmt::format("journal {} was written for {}, which still exists; it is kept for that file",
                                        backup.journal_path, owner));
  return true;
}

// Restores from a full GGUF copy (the published script's backup): compares the whole files and
// writes back only the byte ranges that differ.
void restore_from_full_copy(const gguf::Model& model, const FileHandle* file, const Backup& backup,
                            const RestoreOptions& options, RestoreResult& result) {
  const gguf::Model copy = gguf::Model::open(backup.path);
  const ModelIdentity mine = model_identity(model);
  const ModelIdentity theirs = model_identity(copy);
  if (mine != theirs) {
    throw Error(ErrorCode::state_conflict, model.path(),
                mine.file_size != theirs.file_size
                    ? fmt::format("the full copy {} has {} bytes, this file {}", backup.path, theirs.file_size, mine.file_size)
                    : fmt::format("the full copy {} has another header (digest {}, this file {})", backup.path,
                                  theirs.header_xxh128, mine.header_xxh128),
                "the backup is not a copy of this file; f32patch will not copy it over");
  }
  // The headers are identical; compare the tensor data in large chunks, then exact runs.
  const auto a = model.bytes();
  const auto b = copy.bytes();
  constexpr std::size_t k_chunk = 1u << 20;
  constexpr std::size_t k_merge_gap = 64;  // runs closer than this are written as one
  std::size_t pos = static_cast<std::size_t>(mine.header_bytes);
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [begin, end)
  while (pos < a.size()) {
    const std::size_t n = std::min(k_chunk, a.size() - pos);
    if (std::memcmp(a.data() + pos, b.data() + pos, n) != 0) {
      for (std::size_t i = pos; i < pos + n; ++i) {
        if (a[i] == b[i]) continue;
        if (!runs.empty() && i - runs.back().second <= k_merge_gap) {
          runs.back().second = i + 1;
        } else {
          runs.emplace_back(i, i + 1);
        }
      }
    }
    pos += n;
  }
  result.compared_bytes = a.size();
  std::size_t outside_journal = 0;
  for (const auto& [begin, end] : runs) {
    std::string what = fmt::format("bytes {}-{}", begin, end - 1);
    for (const auto& tensor : model.tensors()) {
      if (begin >= tensor.file_offset && begin < tensor.file_offset + tensor.byte_size) what = tensor.name;
    }
    if (backup.journal && backup.journal->find(what) == nullptr) ++outside_journal;
    result.written.push_back({what, begin, end - begin, TargetState::other});
  }
  if (outside_journal > 0) {
    result.warnings.push_back(fmt::format(
        "{} of the {} differing ranges lie outside the tensors f32patch patched: the model or the full copy {} "
        "changed since apply; restore makes the model equal the copy",
        outside_journal, runs.size(), backup.path));
  }
  if (runs.empty()) {
    result.nothing_to_do = true;
    result.note = fmt::format("the file already equals the full copy {}", backup.path);
  }
  if (options.dry_run || runs.empty()) return;

  const SignalHold hold;
  for (const auto& [begin, end] : runs) {
    file->write_at(begin, b.subspan(begin, end - begin));
    failpoint("restore.target_written");
  }
  file->sync();
  failpoint("restore.synced");
  for (const auto& [begin, end] : runs) {
    check_written(*file, begin, copy_bytes(b.subspan(begin, end - begin)), fmt::format("bytes {}-{}", begin, end - 1));
  }
  if (!options.keep_journal && !journal_kept_for_its_owner(model.path(), backup, options, result) &&
      path_exists(backup.journal_path)) {
    remove_file_durably(backup.journal_path);
    result.journal_removed = true;
  }
  result.note = fmt::format("the full copy {} is kept; delete it when you no longer need it", backup.path);
}

}  // namespace

RestoreResult restore(const std::string& model_path, const RestoreOptions& options) {
  RestoreResult result;
  result.path = model_path;
  result.backup_path = options.backup_path.empty() ? default_backup_path(model_path) : options.backup_path;

  std::optional<FileHandle> file;
  if (!options.dry_run) {
    if (!options.allow_blob) refuse_content_addressed(model_path);
    check_writable(model_path, false);
    file.emplace(lock_model(model_path));
    remove_stale_temporaries(result.backup_path);
  }
  const gguf::Model model = gguf::Model::open(model_path);
  const Backup backup = load_backup(result.backup_path);
  result.kind = backup.kind;
  result.journal_path = backup.journal_path;
  if (backup.journal) result.digests = backup.journal->digests;
  if (backup.kind == BackupKind::none) {
    result.nothing_to_do = true;
    result.note = fmt::format("no backup at {}: f32patch has not patched this file, nothing to restore", result.backup_path);
    return result;
  }
  if (backup.kind == BackupKind::full_copy) {
    restore_from_full_copy(model, file ? &*file : nullptr, backup, options, result);
    return result;
  }

  const Journal& journal = *backup.journal;
  if (options.require_digests && (!journal.digests.contains("original") || journal.digests.at("original").empty())) {
    throw Error(ErrorCode::usage, model_path,
                fmt::format("restore --verify has nothing to prove the result against: the journal {} records no "
                            "digests (apply ran without --verify); nothing was written",
                            backup.journal_path),
                fmt::format("run 'f32patch restore {0}' without --verify, then 'f32patch verify {0} --sha256 HEX' "
                            "against a digest you trust (the model's download page shows one)",
                            model_path));
  }
  const ModelIdentity identity = model_identity(model);
  if (identity != journal.identity) {
    const StateReport state = evaluate_state(model, backup);
    if (!options.force || identity.file_size != journal.identity.file_size) {
      throw Error(ErrorCode::state_conflict, model_path, fmt::format("refusing to restore: {}", state.summary),
                  options.force ? "the sizes differ, so the journal's offsets cannot be trusted"
                                : "check --backup; --force writes this journal's original bytes anyway, which is "
                                  "right only if you know the journal belongs to this file");
    }
    result.note = fmt::format("--force: writing originals although {}", state.summary);
  }
  // Offsets come from a file anyone can edit: each must be the F32 tensor it names, even with
  // --force, or a journal could write into the header.
  if (const std::string problem = journal_mismatch(model, journal); !problem.empty()) {
    throw Error(ErrorCode::state_conflict, model_path,
                fmt::format("refusing to restore: journal {} does not fit this file: {}", backup.journal_path, problem),
                "the journal was edited by hand or written for another file; f32patch will not write by it");
  }
  bool keep_journal = options.keep_journal;
  if (journal_kept_for_its_owner(model_path, backup, options, result)) keep_journal = true;
  if (!options.dry_run && !keep_journal) check_writable(parent_directory(backup.journal_path), true);
  std::size_t overwritten = 0;  // --force: targets that hold neither the original nor the patched bytes
  for (const JournalTarget& target : journal.targets) {
    const TargetState state = target_state(model, target);
    overwritten += state == TargetState::other;
    if (state == TargetState::other && !options.force) {
      throw Error(ErrorCode::state_conflict, model_path,
                  fmt::format("refusing to restore: tensor '{}' at byte {} holds neither the original nor the patched "
                              "bytes (modified since the journal was written)",
                              target.tensor, target.offset),
                  "--force writes the originals anyway");
    }
    if (state != TargetState::original) {
      result.written.push_back({target.tensor, target.offset, target.original.size(), state});
    }
  }
  if (overwritten > 0) {  // loudly: the caller prints a note that starts with --force as a warning
    const std::string what =
        fmt::format("{} tensors that hold neither the original nor the patched bytes", overwritten);
    result.note = result.note.empty() ? fmt::format("--force: writing originals over {}", what)
                                      : fmt::format("{}, and over {}", result.note, what);
  }
  if (result.written.empty()) {
    result.nothing_to_do = true;
    result.note = "every target already holds its original bytes";
  }
  if (options.dry_run) return result;

  const SignalHold hold;
  for (const RestoredRange& range : result.written) {
    file->write_at(range.offset, journal.find(range.what)->original);
    failpoint("restore.target_written");
  }
  file->sync();
  failpoint("restore.synced");
  for (const JournalTarget& target : journal.targets) {
    check_written(*file, target.offset, target.original, fmt::format("tensor '{}'", target.tensor));
  }
  if (!keep_journal) {
    remove_file_durably(backup.journal_path);
    result.journal_removed = true;
    failpoint("restore.journal_removed");
  }
  return result;
}

}  // namespace f32patch::patch
