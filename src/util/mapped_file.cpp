#include <f32patch/util/mapped_file.hpp>

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <f32patch/util/error.hpp>

namespace f32patch {

namespace {

// What a path that is not a regular file is, for the message.
const char* kind_of(mode_t mode) noexcept {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse_non_regular(const std::string& path, mode_t mode) {
  if (S_ISDIR(mode)) {
    throw Error(ErrorCode::invalid_gguf, path, "is a directory, not a GGUF file", "pass the .gguf file inside it");
  }
  throw Error(ErrorCode::invalid_gguf, path, std::string("is ") + kind_of(mode) + ", not a regular file",
              "f32patch maps model files; save the stream to a file first");
}

}  // namespace

MappedFile MappedFile::open_read_only(const std::string& path) {
  // Look before opening: open(O_RDONLY) on a FIFO blocks until a writer appears, and on a
  // socket it fails with ENXIO. A path that fails stat() is left to open() for its error.
  struct stat before {};
  if (::stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode)) refuse_non_regular(path, before.st_mode);

  // O_NONBLOCK as well, in case the path was swapped for a FIFO since the stat(); a regular
  // file ignores it, and the descriptor is only used for fstat() and mmap().
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) throw_io_error(path, "cannot open for reading", errno);

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw_io_error(path, "cannot stat", err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse_non_regular(path, st.st_mode);
  }

  MappedFile file;
  file.m_path = path;
  file.m_size = static_cast<std::size_t>(st.st_size);
  if (file.m_size > 0) {
    void* addr = ::mmap(nullptr, file.m_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (addr == MAP_FAILED) {
      const int err = errno;
      ::close(fd);
      throw_io_error(path, "cannot memory-map", err);
    }
    file.m_data = static_cast<const std::byte*>(addr);
    file.m_mapped = true;
  }
  ::close(fd);  // the mapping keeps the file alive
  return file;
}

MappedFile MappedFile::from_memory(std::vector<std::byte> bytes, std::string name) {
  MappedFile file;
  file.m_path = std::move(name);
  file.m_owned = std::move(bytes);
  file.m_data = file.m_owned.data();
  file.m_size = file.m_owned.size();
  return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_data(std::exchange(other.m_data, nullptr)),
      m_size(std::exchange(other.m_size, 0)),
      m_owned(std::move(other.m_owned)),  // a moved vector keeps its buffer, so m_data stays valid
      m_mapped(std::exchange(other.m_mapped, false)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    if (m_mapped) ::munmap(const_cast<std::byte*>(m_data), m_size);
    m_path = std::move(other.m_path);
    m_data = std::exchange(other.m_data, nullptr);
    m_size = std::exchange(other.m_size, 0);
    m_owned = std::move(other.m_owned);
    m_mapped = std::exchange(other.m_mapped, false);
  }
  return *this;
}

MappedFile::~MappedFile() {
  if (m_mapped) ::munmap(const_cast<std::byte*>(m_data), m_size);
}

void MappedFile::advise_sequential() const noexcept {
  if (m_mapped) ::madvise(const_cast<std::byte*>(m_data), m_size, MADV_SEQUENTIAL);
}

void MappedFile::advise_random() const noexcept {
  if (m_mapped) ::madvise(const_cast<std::byte*>(m_data), m_size, MADV_RANDOM);
}

}  // namespace f32patch
