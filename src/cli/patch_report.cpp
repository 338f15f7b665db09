#include "patch_report.hpp"

#include <algorithm>
#include <bit>
#include <iterator>

#include <fmt/format.h>

#include <f32patch/gguf/text.hpp>

#include "text_format.hpp"

namespace f32patch::cli {

namespace {

using json = nlohmann::ordered_json;

struct FirstValue {
  float value = 0;
  std::uint32_t bits = 0;
};

// The first element of a target's bytes, in the file's byte order.
FirstValue first_value(const std::vector<std::byte>& bytes, ByteOrder order) {
  if (bytes.size() < 4) return {};
  const auto bits = load<std::uint32_t>(bytes.data(), order);
  return {std::bit_cast<float>(bits), bits};
}

std::string value_text(const std::vector<std::byte>& bytes, ByteOrder order, std::uint64_t elements) {
  std::string text = fmt::format("{}", first_value(bytes, order).value);
  if (elements > 1) text += fmt::format(" (+{})", elements - 1);
  return text;
}

// Names from a file (tensors, recipe names, paths in journals), safe for a terminal.
std::string shown(std::string_view text) { return gguf::display_text(text); }

// `text` padded with spaces to `width` columns (display width, not bytes).
std::string padded(const std::string& text, std::size_t width) {
  const std::size_t used = gguf::display_width(text);
  return used >= width ? text : text + std::string(width - used, ' ');
}

std::string recipe_label(const patch::Recipe& recipe) {
  if (recipe.origin == "command line") return fmt::format("{} ({})", recipe.multipliers_text(), shown(recipe.tensor_suffix));
  return fmt::format("{} ({})", shown(recipe.name), shown(recipe.origin));
}

json recipe_json(const patch::Recipe& recipe) {
  json multipliers = json::object();
  for (const auto& m : recipe.multipliers) multipliers[std::to_string(m.layer)] = m.multiplier;
  return {{"name", recipe.name},
          {"origin", recipe.origin},
          {"tensor", recipe.tensor_suffix},
          {"multipliers", std::move(multipliers)}};
}

}  // namespace

std::string apply_text(const patch::ApplyResult& result, bool dry_run) {
  const patch::Plan& plan = result.plan;
  std::string out;
  const std::string label = recipe_label(plan.recipe);
  const bool copy = !result.source.empty();
  const std::string where = copy ? fmt::format("{} (copy of {})", result.path, result.source) : result.path;
  switch (plan.kind) {
    case patch::PlanKind::unchanged: {
      const std::string applied_as = plan.history.empty() || plan.history.front().name == plan.recipe.name
                                         ? std::string()
                                         : fmt::format(" (applied as {})", plan.history.front().name);
      if (!copy) {
        append(out, "{}: {} is already applied{}; nothing to do\n", where, label, applied_as);
        return out;
      }
      append(out, "{}: {} is already applied to the input{}; the copy {} it\n", where, label, applied_as,
          dry_run ? "would carry" : "carries");
      break;
    }
    case patch::PlanKind::fresh: append(out, "{}: {} {}\n", where, dry_run ? "would apply" : "applied", label); break;
    case patch::PlanKind::replace:
      append(out, "{}: {} {}, replacing {} (re-based on the original values)\n", where, dry_run ? "would apply" : "applied",
          label, plan.replaced);
      break;
    case patch::PlanKind::stack:
      append(out, "{}: {} {} on top of what is there (--stack)\n", where, dry_run ? "would stack" : "stacked", label);
      break;
  }
  std::size_t width = 6;
  for (const auto& t : plan.targets) width = std::max(width, gguf::display_width(shown(t.tensor)));
  append(out, "{:>5}  {:<{}}  {:>12}  {:<14}  {:>8}  {:<14}  {:<10}  {:<10}\n", "layer", "tensor", width, "offset", "old", "x",
      "new", "old bits", "new bits");
  for (const auto& t : plan.targets) {
    const std::string multiplier = t.in_recipe ? patch::format_multiplier(t.multiplier) : "undo";
    append(out, "{:>5}  {}  {:>12}  {:<14}  {:>8}  {:<14}  {:<10}  {:<10}\n", t.layer, padded(shown(t.tensor), width), t.offset,
        value_text(t.base, plan.byte_order, t.elements), multiplier, value_text(t.result, plan.byte_order, t.elements),
        hex_bits(first_value(t.base, plan.byte_order).bits), hex_bits(first_value(t.result, plan.byte_order).bits));
  }
  if (dry_run) {
    append(out, "dry run: nothing was written\n");
  } else {
    append(out, "backup: {} ({} bytes){}\n", result.backup_path, result.backup_bytes,
        result.full_copy_written ? "; full copy written beside it" : "");
  }
  return out;
}

json apply_json(const patch::ApplyResult& result, bool dry_run) {
  const patch::Plan& plan = result.plan;
  json targets = json::array();
  for (const auto& t : plan.targets) {
    const auto original = first_value(t.original, plan.byte_order);
    const auto base = first_value(t.base, plan.byte_order);
    const auto next = first_value(t.result, plan.byte_order);
    targets.push_back({{"layer", t.layer},
                       {"tensor", t.tensor},
                       {"offset", t.offset},
                       {"elements", t.elements},
                       {"in_recipe", t.in_recipe},
                       {"multiplier", t.multiplier},
                       {"total_multiplier", t.total_multiplier},
                       {"original_value", float_json(original.value)},
                       {"old_value", float_json(base.value)},
                       {"new_value", float_json(next.value)},
                       {"original_bits", hex_bits(original.bits)},
                       {"old_bits", hex_bits(base.bits)},
                       {"new_bits", hex_bits(next.bits)}});
  }
  json j{{"file", result.path},
         {"source", result.source.empty() ? json(nullptr) : json(result.source)},
         {"action", dry_run && plan.kind != patch::PlanKind::unchanged ? std::string("dry-run") : std::string(patch::to_string(plan.kind))},
         {"plan", patch::to_string(plan.kind)},
         {"recipe", recipe_json(plan.recipe)},
         {"replaced", plan.replaced.empty() ? json(nullptr) : json(plan.replaced)},
         {"wrote", result.wrote},
         {"backup", result.wrote ? json(result.backup_path) : json(nullptr)},
         {"backup_bytes", result.wrote ? json(result.backup_bytes) : json(nullptr)},
         {"full_copy_written", result.full_copy_written},
         {"targets", std::move(targets)},
         {"digests", result.digests.empty() ? json(nullptr) : json(result.digests)}};
  return j;
}

std::string restore_text(const patch::RestoreResult& result, bool dry_run) {
  std::string out;
  if (result.nothing_to_do) {
    append(out, "{}: nothing to restore ({})\n", result.path, result.note);
    if (result.journal_removed) append(out, "journal {} removed\n", result.journal_path);
    return out;
  }
  const bool full = result.kind == patch::BackupKind::full_copy;
  append(out, "{}: {} {} {} from {}{}\n", result.path, dry_run ? "would restore" : "restored", result.written.size(),
      full ? "byte ranges" : "tensors", result.backup_path,
      full ? fmt::format(" (compared {} bytes)", result.compared_bytes) : std::string());
  std::size_t width = 6;
  for (const auto& r : result.written) width = std::max(width, gguf::display_width(shown(r.what)));
  append(out, "{:<{}}  {:>12}  {:>10}  {}\n", full ? "range" : "tensor", width, "offset", "bytes", "was");
  for (const auto& r : result.written) {
    append(out, "{}  {:>12}  {:>10}  {}\n", padded(shown(r.what), width), r.offset, r.bytes, full ? "different" : patch::to_string(r.before));
  }
  if (dry_run) append(out, "dry run: nothing was written\n");
  else if (result.journal_removed) append(out, "journal {} removed\n", result.journal_path);
  if (!result.note.empty() && !dry_run) append(out, "note: {}\n", result.note);
  return out;
}

json restore_json(const patch::RestoreResult& result, bool dry_run) {
  json written = json::array();
  for (const auto& r : result.written) {
    written.push_back({{"what", r.what}, {"offset", r.offset}, {"bytes", r.bytes}, {"was", patch::to_string(r.before)}});
  }
  return {{"file", result.path},
          {"backup", result.backup_path},
          {"backup_kind", result.kind == patch::BackupKind::full_copy ? "full-copy"
                          : result.kind == patch::BackupKind::journal ? "journal"
                                                                        : "none"},
          {"dry_run", dry_run},
          {"nothing_to_do", result.nothing_to_do},
          {"written", std::move(written)},
          {"compared_bytes", result.compared_bytes},
          {"journal_removed", result.journal_removed},
          {"note", result.note.empty() ? json(nullptr) : json(result.note)}};
}

int status_exit_code(patch::FileState state) {
  switch (state) {
    case patch::FileState::pristine: return 0;
    case patch::FileState::patched: return 10;
    case patch::FileState::partial: return 11;
    case patch::FileState::modified: return 12;
    case patch::FileState::foreign: return 13;
  }
  return 13;
}

std::string status_text(const std::string& path, const patch::Backup& backup, const patch::StateReport& report) {
  std::string out = fmt::format("{}: {}\n", path, report.summary);
  if (backup.journal) {
    std::size_t width = 6;
    for (const auto& t : backup.journal->targets) width = std::max(width, gguf::display_width(shown(t.tensor)));
    for (std::size_t i = 0; i < backup.journal->targets.size() && i < report.targets.size(); ++i) {
      const auto& t = backup.journal->targets[i];
      fmt::format_to(std::back_inserter(out), "  {}  {:>12}  x{:<8}  {}\n", padded(shown(t.tensor), width), t.offset,
                     patch::format_multiplier(t.multiplier), patch::to_string(report.targets[i]));
    }
  }
  for (const auto& name : report.differing) fmt::format_to(std::back_inserter(out), "  {}  differs\n", shown(name));
  return out;
}

json status_json(const std::string& path, const patch::Backup& backup, const patch::StateReport& report) {
  json targets = json::array();
  json recipes = json::array();
  if (backup.journal) {
    for (std::size_t i = 0; i < backup.journal->targets.size() && i < report.targets.size(); ++i) {
      const auto& t = backup.journal->targets[i];
      targets.push_back({{"tensor", t.tensor},
                         {"layer", t.layer},
                         {"offset", t.offset},
                         {"multiplier", t.multiplier},
                         {"state", patch::to_string(report.targets[i])}});
    }
    for (const auto& r : backup.journal->recipes) recipes.push_back(r.name);
  }
  return {{"file", path},
          {"state", patch::to_string(report.state)},
          {"exit_status", status_exit_code(report.state)},
          {"summary", report.summary},
          {"hint", report.hint.empty() ? json(nullptr) : json(report.hint)},
          {"backup", backup.kind == patch::BackupKind::none ? json(nullptr) : json(backup.path)},
          {"backup_kind", backup.kind == patch::BackupKind::full_copy ? "full-copy"
                          : backup.kind == patch::BackupKind::journal ? "journal"
                                                                        : "none"},
          {"recipes", std::move(recipes)},
          {"targets", std::move(targets)},
          {"differing_tensors", report.differing}};
}

}  // namespace f32patch::cli
