#include "file_sniff.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include <fmt/format.h>

namespace f32patch::gguf {

namespace {

std::string_view as_text(std::span<const std::byte> bytes, std::size_t limit) {
  return {reinterpret_cast<const char*>(bytes.data()), std::min(bytes.size(), limit)};
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
}

std::string hex_prefix(std::span<const std::byte> bytes) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 4); ++i) {
    if (i != 0) out += ' ';
    out += fmt::format("{:02x}", std::to_integer<unsigned>(bytes[i]));
  }
  return out;
}

struct Signature {
  std::string_view prefix;
  std::string_view what;
  std::string_view hint;
};

// Binary signatures, compared byte for byte at offset 0.
constexpr std::array<Signature, 7> k_signatures{{
    {"FUGG", "starts with \"FUGG\" (a byte-reversed GGUF magic proposed for big-endian files, never adopted)",
     "convert it with llama.cpp's gguf_convert_endian.py or re-export it as a standard GGUF"},
    {"lmgg", "is a legacy GGML file (magic \"ggml\"), not GGUF",
     "legacy GGML/GGMF/GGJT files predate GGUF; convert the model with a current llama.cpp"},
    {"fmgg", "is a legacy GGMF file, not GGUF",
     "legacy GGML/GGMF/GGJT files predate GGUF; convert the model with a current llama.cpp"},
    {"tjgg", "is a legacy GGJT file, not GGUF",
     "legacy GGML/GGMF/GGJT files predate GGUF; convert the model with a current llama.cpp"},
    {"PK\x03\x04", "is a ZIP archive (a PyTorch checkpoint or a zipped download?), not GGUF",
     "unpack it, or convert a PyTorch checkpoint with llama.cpp's convert_hf_to_gguf.py"},
    {"\x1f\x8b", "is gzip-compressed, not GGUF", "decompress it first (gunzip)"},
    {"\x28\xb5\x2f\xfd", "is zstd-compressed, not GGUF", "decompress it first (unzstd)"},
}};

}  // namespace

Sniffed sniff_foreign_content(std::span<const std::byte> bytes) {
  const std::string_view head = as_text(bytes, 512);
  std::string_view text = head;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  if (text.starts_with("version https://git-lfs.github.com/spec/")) {
    return {"is a Git LFS pointer file, not the model itself",
            "the clone fetched pointers only; run 'git lfs pull' or download the file directly"};
  }
  if (starts_with_ci(text, "<!doctype html") || starts_with_ci(text, "<html") ||
      starts_with_ci(text, "<head") || starts_with_ci(text, "<?xml")) {
    return {"is an HTML/XML page, not a GGUF file",
            "the download saved a web page (a login, error or 'blob' page); use the "
            "'resolve/main' download link instead of the 'blob' page"};
  }
  if (text.starts_with("{\"error\"") || text.starts_with("{\"message\"")) {
    return {"is a JSON error response, not a GGUF file",
            "the server refused the download; check the URL and your access token"};
  }
  // safetensors: u64 little-endian header length, then a JSON object.
  if (bytes.size() >= 9 && std::to_integer<char>(bytes[8]) == '{') {
    return {"looks like a safetensors file (a length followed by a JSON header), not GGUF",
            "convert it with llama.cpp's convert_hf_to_gguf.py"};
  }
  for (const Signature& sig : k_signatures) {
    if (head.starts_with(sig.prefix)) return {std::string(sig.what), std::string(sig.hint)};
  }
  if (bytes.size() < 4) {
    return {fmt::format("file is only {} bytes long, too short for the GGUF magic", bytes.size()),
            "an interrupted download? download the model again"};
  }
  const bool all_zero = std::all_of(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(bytes.size(), 4096)),
                                    [](std::byte b) { return b == std::byte{0}; });
  if (all_zero) {
    return {"starts with zero bytes instead of the GGUF magic",
            "a preallocated file whose download never finished? download the model again"};
  }
  return {fmt::format("bad magic: first bytes are {}, expected 47 47 55 46 (\"GGUF\")", hex_prefix(bytes)),
          "this is not a GGUF model file"};
}

}  // namespace f32patch::gguf
