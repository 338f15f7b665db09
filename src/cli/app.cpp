#include "app.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"

namespace f32patch::cli {

namespace {

constexpr std::array<Command, 7> k_commands{{
    {"inspect", "Show a GGUF file's header, layers and patch targets (read-only)", add_inspect},
    {"apply", "Multiply per-layer F32 tensors in place, with a compact backup journal", add_apply},
    {"restore", "Put back the original bytes from the backup journal (or a full-copy backup)", add_restore},
    {"status", "Say whether a file is pristine, patched, partially patched or modified (read-only)", add_status},
    {"recipes", "List the built-in recipes", add_recipes},
    {"hash", "Print MD5/SHA-256/XXH3 check lines (md5sum -c compatible) or a per-tensor manifest", add_hash},
    {"verify", "Check files against digests, check files, sidecars or a per-tensor manifest", add_verify},
}};

constexpr std::string_view k_exit_statuses = R"(Exit status:
  0    success
  1    verification mismatch, or differences found
  2    usage error (bad option, missing argument)
  3    invalid or unsupported GGUF file
  4    I/O or permission error
  5    state conflict (journal mismatch, file locked, patched differently)
  status only: 0 pristine, 10 patched, 11 partially patched, 12 modified since
               the journal, 13 journal belongs to another file
  130  interrupted (SIGINT); 143 terminated (SIGTERM); 129 hung up (SIGHUP)
With several files, each is handled on its own and the most severe status is returned.
)";

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"f32patch: surgical, reversible edits of F32 tensors in GGUF model files", "f32patch"};
  app.footer(std::string(k_exit_statuses));
  app.set_version_flag("--version", fmt::format("f32patch {}", F32PATCH_VERSION));
  app.require_subcommand(1);
  app.fallthrough();

  GlobalOptions global;
  app.add_flag_function(
      "-q,--quiet", [&](std::int64_t count) { global.verbosity -= static_cast<int>(count); },
      "Print nothing but errors (repeatable)");
  app.add_flag_function(
      "-v,--verbose", [&](std::int64_t count) { global.verbosity += static_cast<int>(count); },
      "Say more (repeatable)");

  std::vector<std::pair<CLI::App*, CommandRunner>> subcommands;
  for (const Command& command : k_commands) {
    CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
    sub->footer(std::string(k_exit_statuses));
    subcommands.emplace_back(sub, command.add(*sub, global));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --help-all, --version: stdout, 0
    // CLI11's own codes (106, 109, ...) are mapped onto the documented usage status on purpose.
    report_error({}, e.what(), "see 'f32patch --help'");
    return exit_status(ErrorCode::usage);
  }

  CommandRunner selected;
  for (const auto& [sub, runner] : subcommands) {
    if (sub->parsed()) selected = runner;
  }
  int status = exit_status(ErrorCode::usage);
  int write_errno = 0;
  try {
    if (selected) status = selected();
  } catch (const Error& error) {
    report(error);
    status = exit_status(error.code());
  } catch (const std::bad_alloc&) {
    report_error({}, "out of memory");
    status = exit_status(ErrorCode::io);
  } catch (const std::exception& e) {
    if (std::ferror(stdout) == 0) {
      report_error({}, fmt::format("internal error: {}", e.what()),
                   "this is a bug in f32patch; please report it with the command line");
      return exit_status(ErrorCode::io);
    }
    // fmt throws std::system_error when a write to stdout fails; reported below.
    if (const auto* system = dynamic_cast<const std::system_error*>(&e)) write_errno = system->code().value();
  }
  // stdout is data: output that did not all arrive (a full disk, a closed pipe reader, /dev/full)
  // is an I/O error, never a silent success.
  errno = 0;
  if (std::fflush(stdout) != 0 && errno != 0) write_errno = errno;
  if (std::ferror(stdout) != 0) {
    // An earlier flush may have failed and cleared the buffer; its errno is gone by now.
    report_error("standard output", write_errno != 0 ? fmt::format("cannot write ({})", std::strerror(write_errno))
                                                     : std::string("cannot write (the output is incomplete)"));
    return most_severe(status, exit_status(ErrorCode::io));
  }
  return status;
}

}  // namespace f32patch::cli
