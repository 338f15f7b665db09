// Recognising what a file is when it is not GGUF, so the error can say what went wrong:
// an HTML page or a Git LFS pointer saved under a .gguf name, a safetensors or PyTorch
// checkpoint, a legacy GGML/GGJT file, an archive.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace f32patch::gguf {

struct Sniffed {
  std::string description;  // the error sentence: what the first bytes are
  std::string hint;         // what to do about it
};

// For bytes that do not start with the GGUF magic.
Sniffed sniff_foreign_content(std::span<const std::byte> bytes);

}  // namespace f32patch::gguf
