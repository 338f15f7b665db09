// A read-only memory mapping of a whole file (RAII, move-only).
//
// Opened with O_RDONLY and mapped PROT_READ, so read-only files, read-only mounts and files of
// another owner can be inspected. An empty file has an empty span and no mapping.
// The file must not shrink while mapped (reading a page past a new end raises SIGBUS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace f32patch {

class MappedFile {
 public:
  // Throws Error{io} when the path cannot be opened or mapped, and Error{invalid_gguf} with a
  // hint when it names a directory or something that is not a regular file ("is a FIFO, not a
  // regular file"). Never blocks: a FIFO is refused before it is opened, and the open itself
  // uses O_NONBLOCK.
  static MappedFile open_read_only(const std::string& path);

  // Bytes held in memory under a display name, for tests and fuzzing: parsed like a mapping.
  static MappedFile from_memory(std::vector<std::byte> bytes, std::string name);

  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  std::span<const std::byte> bytes() const noexcept { return {m_data, m_size}; }
  std::uint64_t size() const noexcept { return m_size; }
  const std::string& path() const noexcept { return m_path; }

  // Tells the kernel how the mapping will be read (MADV_SEQUENTIAL / MADV_RANDOM); advisory.
  void advise_sequential() const noexcept;
  void advise_random() const noexcept;

 private:
  std::string m_path;
  const std::byte* m_data = nullptr;
  std::size_t m_size = 0;
  std::vector<std::byte> m_owned;  // from_memory only; m_data points into it
  bool m_mapped = false;
};

}  // namespace f32patch
