// What `f32patch inspect` prints: the human summary and tables, and the JSON document.
// Field names of the JSON are documented in docs/json-output.md and are stable.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include <f32patch/gguf/layers.hpp>
#include <f32patch/gguf/reader.hpp>

namespace f32patch::cli {

struct InspectOptions {
  std::vector<std::string> files;
  std::string tensor_suffix{gguf::default_target_suffix};
  bool tensors = false;
  bool metadata = false;
  bool full = false;
  bool json = false;
};

std::string inspect_text(const gguf::Model& model, const gguf::LayerMap& layers, const InspectOptions& options);
nlohmann::ordered_json inspect_json(const gguf::Model& model, const gguf::LayerMap& layers, const InspectOptions& options);

}  // namespace f32patch::cli
