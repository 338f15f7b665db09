// Small, explicit file operations for the write path: an owned descriptor, whole reads and
// writes at an offset, durability (fsync of files and directories), advisory locks, atomic
// replacement of a small file, and whole-file copies (reflink, then copy_file_range).
// Every failure throws Error{io} naming the path and what was being done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace f32patch {

// An owned file descriptor (move-only). Closing errors are ignored in the destructor; call
// close() where they matter.
class FileHandle {
 public:
  static FileHandle open(const std::string& path, int flags, unsigned mode = 0644);
  // Takes ownership of a descriptor opened elsewhere (mkstemp).
  static FileHandle adopt(int fd, std::string path);

  FileHandle() = default;
  FileHandle(FileHandle&& other) noexcept;
  FileHandle& operator=(FileHandle&& other) noexcept;
  FileHandle(const FileHandle&) = delete;
  FileHandle& operator=(const FileHandle&) = delete;
  ~FileHandle();

  int fd() const noexcept { return m_fd; }
  const std::string& path() const noexcept { return m_path; }
  explicit operator bool() const noexcept { return m_fd >= 0; }

  void read_at(std::uint64_t offset, std::span<std::byte> out) const;
  void write_at(std::uint64_t offset, std::span<const std::byte> data) const;
  void write_all(std::span<const std::byte> data) const;  // at the current position
  void sync() const;                                      // fsync
  std::uint64_t size() const;
  // Takes an exclusive advisory lock (flock) without waiting; false when another holder has it.
  bool try_lock_exclusive() const;
  void close();

 private:
  int m_fd = -1;
  std::string m_path;
};

// The directory part of a path ("." for a bare name).
std::string parent_directory(const std::string& path);
// fsync of a directory, so a rename or unlink in it is durable.
void sync_directory(const std::string& directory);
bool path_exists(const std::string& path);
// Removes a file and makes the removal durable; absent files are fine.
void remove_file_durably(const std::string& path);
// Writes `data` to `path` atomically: a hidden temporary file beside it, fsync, rename over
// `path`, fsync of the directory. Failpoints "journal.written", "journal.synced" and
// "journal.renamed" fire between the steps.
void replace_file_atomically(const std::string& path, std::span<const std::byte> data);
// Leftover temporaries of replace_file_atomically(path) (".NAME.tmp.XXXXXX" beside it).
std::vector<std::string> temporaries_of(const std::string& path);
std::string read_small_file(const std::string& path, std::uint64_t limit);
// Copies a whole file: reflink (FICLONE) when the file system can, else copy_file_range,
// else read/write. Checks the free space first. The destination must not exist.
void copy_file(const std::string& from, const std::string& to);
// Free bytes for an unprivileged writer on the file system holding `path`.
std::uint64_t free_space(const std::string& path);

}  // namespace f32patch
