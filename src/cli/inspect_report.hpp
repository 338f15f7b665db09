// What `f32patch inspect` prints: the human summary and tables, and the JSON document.
// Field names of the JSON are documented in docs/json-output.md and are stable.
//
// Human output shows every string from the file escaped (gguf/text.hpp); JSON carries the
// exact strings (invalid UTF-8 aside, see docs/json-output.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>
#include <f32patch/gguf/split.hpp>

namespace f32patch::cli {

struct InspectOptions {
  std::vector<std::string> files;
  std::string tensor_suffix{gguf::default_target_suffix};
  bool tensors = false;
  bool metadata = false;
  bool full = false;  // implies metadata
  bool json = false;
};

// Everything inspect reports about one file, read once.
struct InspectSubject {
  const gguf::Model& model;
  gguf::LayerMap layers;
  std::optional<gguf::SplitInfo> split;
  // What is odd about the file without making it unreadable, as sentences (file strings
  // escaped): split problems, an implausible block count, targets beyond block_count, an
  // attention pattern that had to be guessed or could not be read. cmd_inspect prints each as
  // a warning on stderr; the human output and the JSON list them too.
  std::vector<std::string> warnings;
};

InspectSubject inspect_subject(const gguf::Model& model, std::string_view tensor_suffix);

std::string inspect_text(const InspectSubject& subject, const InspectOptions& options);
nlohmann::ordered_json inspect_json(const InspectSubject& subject, const InspectOptions& options);

}  // namespace f32patch::cli
