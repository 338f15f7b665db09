#include <f32patch/util/file.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/format.h>

#include <f32patch/util/error.hpp>
#include <f32patch/util/failpoint.hpp>

namespace f32patch {

FileHandle FileHandle::open(const std::string& path, int flags, unsigned mode) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) {
    const bool writing = (flags & (O_WRONLY | O_RDWR)) != 0;
    throw_io_error(path, writing ? "cannot open for writing" : "cannot open for reading", errno);
  }
  FileHandle handle;
  handle.m_fd = fd;
  handle.m_path = path;
  return handle;
}

FileHandle FileHandle::adopt(int fd, std::string path) {
  FileHandle handle;
  handle.m_fd = fd;
  handle.m_path = std::move(path);
  return handle;
}

FileHandle::FileHandle(FileHandle&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_path(std::move(other.m_path)) {}

FileHandle& FileHandle::operator=(FileHandle&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_path = std::move(other.m_path);
  }
  return *this;
}

FileHandle::~FileHandle() {
  if (m_fd >= 0) ::close(m_fd);
}

void FileHandle::read_at(std::uint64_t offset, std::span<std::byte> out) const {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(m_fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io_error(m_path, fmt::format("cannot read {} bytes at byte {}", out.size(), offset), errno);
    if (n == 0) {
      throw Error(ErrorCode::io, m_path, fmt::format("file ends before byte {} while reading", offset + out.size()));
    }
    done += static_cast<std::size_t>(n);
  }
}

void FileHandle::write_at(std::uint64_t offset, std::span<const std::byte> data) const {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::pwrite(m_fd, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io_error(m_path, fmt::format("cannot write {} bytes at byte {}", data.size(), offset), errno);
    done += static_cast<std::size_t>(n);
  }
}

void FileHandle::write_all(std::span<const std::byte> data) const {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(m_fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_io_error(m_path, "cannot write", errno);
    done += static_cast<std::size_t>(n);
  }
}

void FileHandle::sync() const {
  if (::fsync(m_fd) != 0) throw_io_error(m_path, "cannot flush to disk (fsync)", errno);
}

std::uint64_t FileHandle::size() const {
  struct stat st {};
  if (::fstat(m_fd, &st) != 0) throw_io_error(m_path, "cannot stat", errno);
  return static_cast<std::uint64_t>(st.st_size);
}

bool FileHandle::try_lock_exclusive() const { return try_lock(LOCK_EX); }
bool FileHandle::try_lock_shared() const { return try_lock(LOCK_SH); }

void FileHandle::lock_exclusive() const {
  while (::flock(m_fd, LOCK_EX) != 0) {
    if (errno != EINTR) throw_io_error(m_path, "cannot lock", errno);
  }
}

bool FileHandle::try_lock(int operation) const {
  while (::flock(m_fd, operation | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno == EWOULDBLOCK) return false;
    throw_io_error(m_path, "cannot lock", errno);
  }
  return true;
}

void FileHandle::close() {
  if (m_fd < 0) return;
  const int fd = std::exchange(m_fd, -1);
  if (::close(fd) != 0 && errno != EINTR) throw_io_error(m_path, "cannot close", errno);
}

std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

void sync_directory(const std::string& directory) {
  const FileHandle dir = FileHandle::open(directory, O_RDONLY | O_DIRECTORY);
  dir.sync();
}

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

void remove_file_durably(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return;
    throw_io_error(path, "cannot remove", errno);
  }
  sync_directory(parent_directory(path));
}

void replace_file_atomically(const std::string& path, std::span<const std::byte> data) {
  const std::string dir = parent_directory(path);
  const auto slash = path.find_last_of('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const std::string prefix = slash == std::string::npos ? std::string() : dir + "/";
  std::string name = prefix + "." + base + ".tmp.XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw_io_error(path, "cannot create a temporary file beside it", errno);
  FileHandle temp = FileHandle::adopt(fd, name);
  try {
    if (::fchmod(temp.fd(), 0644) != 0) throw_io_error(name, "cannot set permissions", errno);
    temp.write_all(data);
    failpoint("journal.written");
    temp.sync();
    temp.close();
    failpoint("journal.synced");
    if (::rename(name.c_str(), path.c_str()) != 0) throw_io_error(path, "cannot rename the temporary file into place", errno);
    failpoint("journal.renamed");
    sync_directory(dir);
  } catch (...) {
    ::unlink(name.c_str());
    throw;
  }
}


std::string read_small_file(const std::string& path, std::uint64_t limit) {
  const FileHandle file = FileHandle::open(path, O_RDONLY);
  const std::uint64_t size = file.size();
  if (size > limit) {
    throw Error(ErrorCode::state_conflict, path, fmt::format("is {} bytes, expected at most {}", size, limit));
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  file.read_at(0, std::as_writable_bytes(std::span(text)));
  return text;
}

std::uint64_t free_space(const std::string& path) {
  struct statvfs vfs {};
  if (::statvfs(path.c_str(), &vfs) != 0) throw_io_error(path, "cannot query free space", errno);
  return static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
}

namespace {

// The ".NAME.tmp.XXXXXX" files beside `path`.
std::vector<std::string> temporaries_of(const std::string& path) {
  const std::string dir = parent_directory(path);
  const auto slash = path.find_last_of('/');
  const std::string prefix = "." + (slash == std::string::npos ? path : path.substr(slash + 1)) + ".tmp.";
  std::vector<std::string> found;
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return found;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string_view name = entry->d_name;
    if (name.starts_with(prefix) && name.size() == prefix.size() + 6) {
      found.push_back((slash == std::string::npos ? std::string() : dir + "/") + std::string(name));
    }
  }
  ::closedir(listing);
  return found;
}

// A hidden temporary name beside `path`, created exclusively: ".NAME.tmp.XXXXXX".
FileHandle make_temporary_beside(const std::string& path, unsigned mode) {
  const auto slash = path.find_last_of('/');
  const std::string prefix = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string name = prefix + "." + base + ".tmp.XXXXXX";
  const int fd = ::mkstemp(name.data());
  if (fd < 0) throw_io_error(path, "cannot create a temporary file beside it", errno);
  FileHandle temp = FileHandle::adopt(fd, name);
  if (::fchmod(temp.fd(), static_cast<mode_t>(mode)) != 0) {
    ::unlink(name.c_str());
    throw_io_error(name, "cannot set permissions", errno);
  }
  return temp;
}

void copy_contents(const FileHandle& in, const FileHandle& out, std::uint64_t size) {
  if (::ioctl(out.fd(), FICLONE, in.fd()) == 0) return;
  const std::uint64_t available = free_space(parent_directory(out.path()));
  if (available < size) {
    throw Error(ErrorCode::io, out.path(),
                fmt::format("not enough free space for a full copy: {} bytes needed, {} available", size, available));
  }
  std::uint64_t done = 0;
  bool use_copy_range = true;
  std::vector<std::byte> buffer;
  while (done < size) {
    if (use_copy_range) {
      const ssize_t n = ::copy_file_range(in.fd(), nullptr, out.fd(), nullptr, size - done, 0);
      if (n > 0) {
        done += static_cast<std::uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL) {
        throw_io_error(out.path(), "cannot copy", errno);
      }
      use_copy_range = false;
      buffer.resize(8u << 20);
    }
    const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - done));
    in.read_at(done, std::span(buffer).first(chunk));
    out.write_at(done, std::span(buffer).first(chunk));
    done += chunk;
  }
}

}  // namespace

TemporaryCopy::TemporaryCopy(const std::string& from, const std::string& to) : m_to(to) {
  const FileHandle in = FileHandle::open(from, O_RDONLY);
  m_file = make_temporary_beside(to, 0644);
  m_path = m_file.path();
  // Held until the copy is committed or removed: remove_stale_copies() takes only unlocked ones.
  m_file.try_lock_exclusive();
  m_artefact.emplace(m_path);
  try {
    copy_contents(in, m_file, in.size());
    failpoint("copy.written");
    m_file.sync();
  } catch (...) {
    m_artefact.reset();
    ::unlink(m_path.c_str());
    throw;
  }
}

TemporaryCopy::~TemporaryCopy() {
  if (m_committed) return;
  ::unlink(m_path.c_str());
  m_artefact.reset();
}

void TemporaryCopy::commit(bool replace) {
  if (replace) {
    if (::rename(m_path.c_str(), m_to.c_str()) != 0) throw_io_error(m_to, "cannot rename the copy into place", errno);
    m_committed = true;
  } else if (::link(m_path.c_str(), m_to.c_str()) == 0) {
    // link() refuses an existing name, where rename() would silently replace it.
    m_committed = true;
    ::unlink(m_path.c_str());
  } else if (errno == EEXIST) {
    throw_io_error(m_to, "appeared while the copy was being made; not replacing it", errno);
  } else if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS) {
    // No hard links on this file system: a rename after an existence check.
    if (path_exists(m_to)) throw_io_error(m_to, "appeared while the copy was being made; not replacing it", EEXIST);
    if (::rename(m_path.c_str(), m_to.c_str()) != 0) throw_io_error(m_to, "cannot rename the copy into place", errno);
    m_committed = true;
  } else {
    throw_io_error(m_to, "cannot create", errno);
  }
  m_artefact.reset();
  m_file.close();
  sync_directory(parent_directory(m_to));
}

std::size_t remove_stale_copies(const std::string& to) {
  std::size_t removed = 0;
  for (const std::string& stale : temporaries_of(to)) {
    const int fd = ::open(stale.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    const FileHandle file = FileHandle::adopt(fd, stale);
    if (!file.try_lock_exclusive()) continue;  // a running f32patch is writing it
    if (::unlink(stale.c_str()) == 0) ++removed;
  }
  if (removed > 0) sync_directory(parent_directory(to));
  return removed;
}

std::string canonical_path(const std::string& path) {
  if (char* resolved = ::realpath(path.c_str(), nullptr)) {
    std::string out(resolved);
    std::free(resolved);
    return out;
  }
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : (slash == 0 ? std::string("/") : path.substr(0, slash));
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  if (char* resolved = ::realpath(dir.c_str(), nullptr)) {
    std::string out(resolved);
    std::free(resolved);
    return out == "/" ? "/" + base : out + "/" + base;
  }
  return path;
}

bool same_file(const std::string& a, const std::string& b) {
  if (canonical_path(a) == canonical_path(b)) return true;
  struct stat sa {}, sb {};
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

std::uint64_t hard_link_count(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_nlink);
}

}  // namespace f32patch
