// The sub-command table. Each command lives in src/cli/cmd_<name>.cpp, registers its options on
// the CLI11 sub-app it is given, and returns a callback that runs it and yields an exit status.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/patch/engine.hpp>

#include "patch_verify.hpp"

namespace CLI {
class App;
}

namespace f32patch::cli {

struct GlobalOptions;

using CommandRunner = std::function<int()>;
using CommandRegistrar = CommandRunner (*)(CLI::App& sub, const GlobalOptions& global);

struct Command {
  std::string_view name;
  std::string_view summary;
  CommandRegistrar add;
};

CommandRunner add_inspect(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_apply(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_restore(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_status(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_recipes(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_hash(CLI::App& sub, const GlobalOptions& global);
CommandRunner add_verify(CLI::App& sub, const GlobalOptions& global);

// restore is also reachable as `apply --restore`.
struct RestoreRequest {
  std::vector<std::string> files;
  patch::RestoreOptions options;
  PatchVerifyOptions verify;
  bool json = false;
};
int run_restore(const RestoreRequest& request, const GlobalOptions& global);

}  // namespace f32patch::cli
