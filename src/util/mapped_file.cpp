#include <f32patch/util/mapped_file.hpp>

#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <f32patch/util/error.hpp>

namespace f32patch {

MappedFile MappedFile::open_read_only(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io_error(path, "cannot open for reading", errno);

  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    throw_io_error(path, "cannot stat", err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::invalid_gguf, path, "is a directory, not a GGUF file",
                "pass the .gguf file inside it");
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(ErrorCode::invalid_gguf, path, "is not a regular file (a pipe, socket or device)",
                "f32patch maps model files; save the stream to a file first");
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
