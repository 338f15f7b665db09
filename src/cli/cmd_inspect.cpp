// f32patch inspect FILE...: read-only view of the header, the layer table and the patch targets.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>
#include <f32patch/util/error.hpp>

#include "commands.hpp"
#include "diagnostics.hpp"
#include "inspect_report.hpp"

namespace f32patch::cli {

CommandRunner add_inspect(CLI::App& sub, const GlobalOptions& global) {
  auto options = std::make_shared<InspectOptions>();
  sub.add_option("files", options->files, "GGUF files to inspect")->required()->type_name("FILE");
  sub.add_flag("--tensors", options->tensors, "List every tensor: name, type, shape, offset, bytes");
  sub.add_flag("--metadata", options->metadata, "List the metadata keys (arrays summarised)");
  sub.add_flag("--full", options->full, "Show whole strings and arrays in the metadata list (implies --metadata)");
  sub.add_flag("--json", options->json, "One JSON document per file on stdout");
  sub.add_option("--tensor", options->tensor_suffix,
                 "Per-layer tensor family blk.N.SUFFIX to show in the layer table")
      ->capture_default_str()
      ->type_name("SUFFIX");

  return [options, &global] {
    if (options->tensor_suffix.empty()) {
      throw Error(ErrorCode::usage, {}, "--tensor is empty, expected a suffix such as 'layer_output_scale.weight'");
    }
    options->metadata = options->metadata || options->full;
    bool first = true;
    return for_each_file(options->files, [&](const std::string& path) {
      const auto model = gguf::Model::open(path);
      const InspectSubject subject = inspect_subject(model, options->tensor_suffix);
      for (const auto& warning : subject.warnings) report_warning(global, path, warning);
      if (options->json) {
        // replace: a string from the file that is not valid UTF-8 is dumped with U+FFFD for its
        // invalid bytes instead of throwing; the report adds a *_hex field with the exact bytes.
        fmt::print("{}\n", inspect_json(subject, *options).dump(2, ' ', false,
                                                                 nlohmann::ordered_json::error_handler_t::replace));
      } else {
        fmt::print("{}{}", first ? "" : "\n", inspect_text(subject, *options));
      }
      flush_stdout();
      first = false;
      return 0;
    });
  };
}

}  // namespace f32patch::cli
