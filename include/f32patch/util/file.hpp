// Small, explicit file operations for the write path: an owned descriptor, whole reads and
// writes at an offset, durability (fsync of files and directories), advisory locks, atomic
// replacement of a small file, and whole-file copies (reflink, then copy_file_range).
// Every failure throws Error{io} naming the path and what was being done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <f32patch/util/artefact.hpp>

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
  // A shared lock (readers of a file that an apply must not change meanwhile), without waiting.
  bool try_lock_shared() const;
  // Waits for an exclusive lock: only for critical sections of a few milliseconds.
  void lock_exclusive() const;
  void close();

 private:
  bool try_lock(int operation) const;

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
std::string read_small_file(const std::string& path, std::uint64_t limit);
// A whole-file copy in progress: a hidden temporary file beside its destination
// (".NAME.tmp.XXXXXX"), locked (flock) while this object owns it. Until commit() puts it in
// place it is removed when the object is destroyed, and when SIGINT, SIGTERM or SIGHUP arrive
// (TemporaryArtefact), so neither an error nor Ctrl-C leaves a multi-GB leftover behind; what a
// kill -9 leaves, remove_stale_copies() finds by its name and its missing lock.
class TemporaryCopy {
 public:
  // Copies `from` beside `to`: reflink (FICLONE) when the file system can, else
  // copy_file_range, else read/write, after checking the free space. Synced before it returns.
  TemporaryCopy(const std::string& from, const std::string& to);
  TemporaryCopy(const TemporaryCopy&) = delete;
  TemporaryCopy& operator=(const TemporaryCopy&) = delete;
  ~TemporaryCopy();

  const std::string& path() const noexcept { return m_path; }
  // The open copy, for writing into it before commit().
  const FileHandle& file() const noexcept { return m_file; }
  // Puts the copy at `to` and syncs the directory: replacing what is there when `replace`, else
  // refusing if `to` appeared meanwhile.
  void commit(bool replace = false);

 private:
  std::string m_path;
  std::string m_to;
  FileHandle m_file;
  bool m_committed = false;
  std::optional<TemporaryArtefact> m_artefact;
};

// Removes the hidden temporaries (".NAME.tmp.XXXXXX") of copies or journals to `to` that a killed
// f32patch left behind: those no running f32patch holds locked. Returns how many.
std::size_t remove_stale_copies(const std::string& to);

// The path with symlinks resolved (realpath); for a path that does not exist yet, its
// directory resolved and its name appended. Never throws: falls back to the path as given.
std::string canonical_path(const std::string& path);
// True when both name the same file: the same canonical path, or (both existing) the same
// device and inode, which also catches hard links.
bool same_file(const std::string& a, const std::string& b);
// How many hard links the file has (st_nlink), 0 when it cannot be examined.
std::uint64_t hard_link_count(const std::string& path);
// Free bytes for an unprivileged writer on the file system holding `path`.
std::uint64_t free_space(const std::string& path);

}  // namespace f32patch
