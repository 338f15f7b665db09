// How apply, restore and status report what they did or would do: a table for people, one JSON
// document per file for programs (docs/json-output.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <f32patch/patch/engine.hpp>
#include <f32patch/patch/state.hpp>

namespace f32patch::cli {

std::string apply_text(const patch::ApplyResult& result, bool dry_run);
nlohmann::ordered_json apply_json(const patch::ApplyResult& result, bool dry_run);

std::string restore_text(const patch::RestoreResult& result, bool dry_run);
nlohmann::ordered_json restore_json(const patch::RestoreResult& result, bool dry_run);

// Exit statuses of `status`: 0 pristine, 10 patched, 11 partially patched, 12 modified since
// the journal, 13 journal belongs to another file.
int status_exit_code(patch::FileState state);
std::string status_text(const std::string& path, const patch::Backup& backup, const patch::StateReport& report);
nlohmann::ordered_json status_json(const std::string& path, const patch::Backup& backup,
                                   const patch::StateReport& report);

}  // namespace f32patch::cli
