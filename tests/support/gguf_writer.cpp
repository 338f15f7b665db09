#include "support/gguf_writer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

namespace f32patch::testing {

namespace {

using gguf::ValueType;

constexpr std::uint32_t id(ValueType type) noexcept { return static_cast<std::uint32_t>(type); }

// Rounds `value` up to a multiple of `alignment`; an alignment of 0 leaves it as is (only an
// invalid file asks for that). Arithmetic wraps like any u64, which only matters for the
// deliberately absurd sizes of the overflow cases.
std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) noexcept {
  if (alignment == 0) return value;
  const std::uint64_t rem = value % alignment;
  return rem == 0 ? value : value + (alignment - rem);
}

[[noreturn]] void throw_errno(const std::string& path, const char* what) {
  const int err = errno;
  throw std::runtime_error(fmt::format("{}: {} failed: {}", path, what, std::strerror(err)));
}

// Writes all of `size` bytes at `offset`, retrying short writes and EINTR.
void pwrite_all(int fd, const std::string& path, const std::uint8_t* data, std::size_t size,
                std::uint64_t offset) {
  while (size > 0) {
    const ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno(path, "pwrite");
    }
    const auto written = static_cast<std::size_t>(n);
    data += written;
    size -= written;
    offset += written;
  }
}

class Fd {
 public:
  explicit Fd(const std::string& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (m_fd < 0) throw_errno(path, "open");
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int get() const noexcept { return m_fd; }
  void close() {
    const int fd = std::exchange(m_fd, -1);
    if (::close(fd) != 0) throw_errno(m_path, "close");
  }

 private:
  std::string m_path;
  int m_fd = -1;
};

}  // namespace

// --- primitive encoding ------------------------------------------------------------------------

template <typename T>
void GgufBuilder::put(std::vector<std::uint8_t>& out, T value) const {
  static_assert(std::is_arithmetic_v<T>);
  using U = typename detail::UnsignedOfSize<sizeof(T)>::type;
  const auto raw = static_cast<std::uint64_t>(std::bit_cast<U>(value));
  std::uint8_t bytes[sizeof(T)];
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    const std::size_t pos = m_order == ByteOrder::little ? i : sizeof(T) - 1 - i;
    bytes[pos] = static_cast<std::uint8_t>(raw >> (8 * i));
  }
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

void GgufBuilder::put_string(std::vector<std::uint8_t>& out, const std::string& s) const {
  put<std::uint64_t>(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

std::vector<std::uint8_t> GgufBuilder::begin_record(const std::string& key,
                                                    std::uint32_t type_id) const {
  std::vector<std::uint8_t> record;
  record.reserve(8 + key.size() + 4 + 16);
  put_string(record, key);
  put<std::uint32_t>(record, type_id);
  return record;
}

void GgufBuilder::begin_array(std::vector<std::uint8_t>& out, std::uint32_t element_type,
                              std::uint64_t count) const {
  put<std::uint32_t>(out, element_type);
  put<std::uint64_t>(out, count);
}

GgufBuilder& GgufBuilder::add_kv(const std::string& key, std::uint32_t type_id,
                                 const std::vector<std::uint8_t>& payload) {
  std::vector<std::uint8_t> record = begin_record(key, type_id);
  record.insert(record.end(), payload.begin(), payload.end());
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

// --- settings ----------------------------------------------------------------------------------

GgufBuilder& GgufBuilder::version(std::uint32_t v) {
  m_version = v;
  return *this;
}

GgufBuilder& GgufBuilder::byte_order(ByteOrder order) {
  m_order = order;
  return *this;
}

GgufBuilder& GgufBuilder::data_alignment(std::uint32_t a) {
  m_alignment = a;
  return *this;
}

GgufBuilder& GgufBuilder::alignment(std::uint32_t a) {
  kv_u32("general.alignment", a);
  m_alignment = a;
  return *this;
}

GgufBuilder& GgufBuilder::tensor_count_override(std::uint64_t n) {
  m_tensor_count_override = n;
  return *this;
}

GgufBuilder& GgufBuilder::kv_count_override(std::uint64_t n) {
  m_kv_count_override = n;
  return *this;
}

// --- scalars -----------------------------------------------------------------------------------

template <typename T>
GgufBuilder& GgufBuilder::add_scalar(const std::string& key, std::uint32_t type_id, T value) {
  std::vector<std::uint8_t> record = begin_record(key, type_id);
  put<T>(record, value);
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_u8(const std::string& key, std::uint8_t v) {
  return add_scalar(key, id(ValueType::uint8), v);
}
GgufBuilder& GgufBuilder::kv_i8(const std::string& key, std::int8_t v) {
  return add_scalar(key, id(ValueType::int8), v);
}
GgufBuilder& GgufBuilder::kv_u16(const std::string& key, std::uint16_t v) {
  return add_scalar(key, id(ValueType::uint16), v);
}
GgufBuilder& GgufBuilder::kv_i16(const std::string& key, std::int16_t v) {
  return add_scalar(key, id(ValueType::int16), v);
}
GgufBuilder& GgufBuilder::kv_u32(const std::string& key, std::uint32_t v) {
  return add_scalar(key, id(ValueType::uint32), v);
}
GgufBuilder& GgufBuilder::kv_i32(const std::string& key, std::int32_t v) {
  return add_scalar(key, id(ValueType::int32), v);
}
GgufBuilder& GgufBuilder::kv_f32(const std::string& key, float v) {
  return add_scalar(key, id(ValueType::float32), v);
}
GgufBuilder& GgufBuilder::kv_u64(const std::string& key, std::uint64_t v) {
  return add_scalar(key, id(ValueType::uint64), v);
}
GgufBuilder& GgufBuilder::kv_i64(const std::string& key, std::int64_t v) {
  return add_scalar(key, id(ValueType::int64), v);
}
GgufBuilder& GgufBuilder::kv_f64(const std::string& key, double v) {
  return add_scalar(key, id(ValueType::float64), v);
}
GgufBuilder& GgufBuilder::kv_bool(const std::string& key, bool v) {
  return add_scalar(key, id(ValueType::boolean), std::uint8_t{v ? std::uint8_t{1} : std::uint8_t{0}});
}

GgufBuilder& GgufBuilder::kv_str(const std::string& key, const std::string& v) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::string));
  put_string(record, v);
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

// --- arrays ------------------------------------------------------------------------------------

GgufBuilder& GgufBuilder::kv_bool_array(const std::string& key, const std::vector<bool>& v) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::boolean), v.size());
  for (const bool b : v) record.push_back(b ? 1 : 0);
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_i32_array(const std::string& key,
                                       const std::vector<std::int32_t>& v) {
  return kv_i32_array_gen(key, v.size(), [&v](std::uint64_t i) { return v[i]; });
}

GgufBuilder& GgufBuilder::kv_u32_array(const std::string& key,
                                       const std::vector<std::uint32_t>& v) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::uint32), v.size());
  for (const std::uint32_t x : v) put<std::uint32_t>(record, x);
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_f32_array(const std::string& key, const std::vector<float>& v) {
  return kv_f32_array_gen(key, v.size(), [&v](std::uint64_t i) { return v[i]; });
}

GgufBuilder& GgufBuilder::kv_str_array(const std::string& key,
                                       const std::vector<std::string>& v) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::string), v.size());
  for (const std::string& s : v) put_string(record, s);
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_str_array_gen(const std::string& key, std::uint64_t count,
                                           const std::function<std::string(std::uint64_t)>& gen) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::string), count);
  for (std::uint64_t i = 0; i < count; ++i) put_string(record, gen(i));
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_f32_array_gen(const std::string& key, std::uint64_t count,
                                           const std::function<float(std::uint64_t)>& gen) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::float32), count);
  record.reserve(record.size() + count * sizeof(float));
  for (std::uint64_t i = 0; i < count; ++i) put<float>(record, gen(i));
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_i32_array_gen(const std::string& key, std::uint64_t count,
                                           const std::function<std::int32_t(std::uint64_t)>& gen) {
  std::vector<std::uint8_t> record = begin_record(key, id(ValueType::array));
  begin_array(record, id(ValueType::int32), count);
  record.reserve(record.size() + count * sizeof(std::int32_t));
  for (std::uint64_t i = 0; i < count; ++i) put<std::int32_t>(record, gen(i));
  m_kvs.push_back(Kv{std::move(record)});
  return *this;
}

GgufBuilder& GgufBuilder::kv_raw(const std::string& key, std::uint32_t type_id,
                                 const std::vector<std::uint8_t>& payload) {
  return add_kv(key, type_id, payload);
}

// --- tensors -----------------------------------------------------------------------------------

GgufBuilder& GgufBuilder::tensor(TensorSpec spec) {
  m_tensors.push_back(std::move(spec));
  return *this;
}

GgufBuilder& GgufBuilder::f32_tensor(const std::string& name,
                                     const std::vector<std::int64_t>& dims,
                                     const std::vector<float>& values) {
  TensorSpec spec;
  spec.name = name;
  spec.type = static_cast<std::uint32_t>(gguf::TensorType::F32);
  spec.dims = dims;
  spec.data = encode_f32(values, m_order);
  return tensor(std::move(spec));
}

std::uint64_t GgufBuilder::tensor_bytes(std::uint32_t type,
                                        const std::vector<std::int64_t>& dims) {
  const auto traits = gguf::tensor_type_traits(type);
  if (!traits || traits->block_size == 0) return 0;
  for (const std::int64_t d : dims) {
    if (d < 0) return 0;
  }
  const auto ne0 = dims.empty() ? std::uint64_t{1} : static_cast<std::uint64_t>(dims[0]);
  if (ne0 % traits->block_size != 0) return 0;
  std::uint64_t bytes = 0;
  if (__builtin_mul_overflow(ne0 / traits->block_size, std::uint64_t{traits->type_size}, &bytes)) {
    return 0;
  }
  for (std::size_t i = 1; i < dims.size(); ++i) {
    if (__builtin_mul_overflow(bytes, static_cast<std::uint64_t>(dims[i]), &bytes)) return 0;
  }
  return bytes;
}

// --- layout ------------------------------------------------------------------------------------

std::uint64_t GgufBuilder::tensor_info_size(const TensorSpec& spec) const {
  return 8 + spec.name.size() + 4 + 8 * spec.dims.size() + 4 + 8;
}

std::uint64_t GgufBuilder::header_size() const {
  std::uint64_t size = 4 + 4 + 8 + 8;
  for (const Kv& kv : m_kvs) size += kv.bytes.size();
  for (const TensorSpec& spec : m_tensors) size += tensor_info_size(spec);
  return size;
}

std::uint64_t GgufBuilder::data_offset() const { return align_up(header_size(), m_alignment); }

std::uint64_t GgufBuilder::data_size() const {
  std::uint64_t total = 0;
  for (const TensorSpec& spec : m_tensors) {
    total += align_up(tensor_bytes(spec.type, spec.dims), m_alignment);
  }
  return total;
}

std::uint64_t GgufBuilder::file_size() const { return data_offset() + data_size(); }

std::vector<std::uint64_t> GgufBuilder::resolved_offsets() const {
  std::vector<std::uint64_t> offsets;
  offsets.reserve(m_tensors.size());
  std::uint64_t running = 0;
  for (const TensorSpec& spec : m_tensors) {
    offsets.push_back(spec.offset.value_or(running));
    running += align_up(tensor_bytes(spec.type, spec.dims), m_alignment);
  }
  return offsets;
}

const TensorSpec& GgufBuilder::find_tensor(const std::string& name, std::size_t* index) const {
  const auto it = std::find_if(m_tensors.begin(), m_tensors.end(),
                               [&name](const TensorSpec& t) { return t.name == name; });
  if (it == m_tensors.end()) throw std::out_of_range("GgufBuilder: no tensor named " + name);
  *index = static_cast<std::size_t>(it - m_tensors.begin());
  return *it;
}

std::uint64_t GgufBuilder::tensor_offset(const std::string& name) const {
  std::size_t index = 0;
  const TensorSpec& spec = find_tensor(name, &index);
  if (spec.offset) return *spec.offset;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < index; ++i) {
    running += align_up(tensor_bytes(m_tensors[i].type, m_tensors[i].dims), m_alignment);
  }
  return running;
}

std::uint64_t GgufBuilder::tensor_file_offset(const std::string& name) const {
  return data_offset() + tensor_offset(name);
}

// --- output ------------------------------------------------------------------------------------

std::vector<std::uint8_t> GgufBuilder::header_bytes() const {
  std::vector<std::uint8_t> out{'G', 'G', 'U', 'F'};  // the magic, in every byte order
  out.reserve(header_size());
  put<std::uint32_t>(out, m_version);
  put<std::uint64_t>(out, m_tensor_count_override.value_or(m_tensors.size()));
  put<std::uint64_t>(out, m_kv_count_override.value_or(m_kvs.size()));
  for (const Kv& kv : m_kvs) out.insert(out.end(), kv.bytes.begin(), kv.bytes.end());
  const std::vector<std::uint64_t> offsets = resolved_offsets();
  for (std::size_t i = 0; i < m_tensors.size(); ++i) {
    const TensorSpec& spec = m_tensors[i];
    put_string(out, spec.name);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(spec.dims.size()));
    for (const std::int64_t d : spec.dims) put<std::int64_t>(out, d);
    put<std::uint32_t>(out, spec.type);
    put<std::uint64_t>(out, offsets[i]);
  }
  return out;
}

std::vector<std::uint8_t> GgufBuilder::build_prefix(std::uint64_t size) const {
  constexpr std::uint64_t k_limit = std::uint64_t{1} << 30;
  if (size > k_limit) {
    throw std::runtime_error(fmt::format(
        "GgufBuilder: refusing to build {} bytes in memory; use write() for large files", size));
  }
  std::vector<std::uint8_t> out = header_bytes();
  out.resize(static_cast<std::size_t>(size), 0);  // truncates, or pads with zeros
  const std::uint64_t start = data_offset();
  const std::vector<std::uint64_t> offsets = resolved_offsets();
  for (std::size_t i = 0; i < m_tensors.size(); ++i) {
    const std::vector<std::uint8_t>& data = m_tensors[i].data;
    if (data.empty()) continue;
    const std::uint64_t pos = start + offsets[i];
    if (pos < start || pos >= size) continue;  // wrapped, or entirely past the prefix
    const std::uint64_t n = std::min<std::uint64_t>(data.size(), size - pos);
    std::copy_n(data.begin(), static_cast<std::ptrdiff_t>(n),
                out.begin() + static_cast<std::ptrdiff_t>(pos));
  }
  return out;
}

void GgufBuilder::check_data_fits() const {
  const std::uint64_t size = file_size();
  const std::uint64_t start = data_offset();
  const std::vector<std::uint64_t> offsets = resolved_offsets();
  for (std::size_t i = 0; i < m_tensors.size(); ++i) {
    const std::uint64_t n = m_tensors[i].data.size();
    if (n == 0) continue;
    const std::uint64_t pos = start + offsets[i];
    if (pos < start || pos > size || n > size - pos) {
      throw std::runtime_error(fmt::format(
          "GgufBuilder: data of tensor '{}' ({} bytes at offset {}) lies outside the {}-byte file",
          m_tensors[i].name, n, offsets[i], size));
    }
  }
}

std::vector<std::uint8_t> GgufBuilder::build() const {
  check_data_fits();
  return build_prefix(file_size());
}

void GgufBuilder::write(const std::string& path) const {
  check_data_fits();
  const std::uint64_t size = file_size();
  const std::uint64_t start = data_offset();
  const std::vector<std::uint64_t> offsets = resolved_offsets();
  if (size > static_cast<std::uint64_t>(std::numeric_limits<off_t>::max())) {
    throw std::runtime_error(fmt::format("{}: file size {} does not fit in off_t", path, size));
  }

  Fd fd(path);
  const std::vector<std::uint8_t> head = header_bytes();
  pwrite_all(fd.get(), path, head.data(), head.size(), 0);
  if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) throw_errno(path, "ftruncate");
  for (std::size_t i = 0; i < m_tensors.size(); ++i) {
    const std::vector<std::uint8_t>& data = m_tensors[i].data;
    if (data.empty()) continue;
    pwrite_all(fd.get(), path, data.data(), data.size(), start + offsets[i]);
  }
  fd.close();
}

// --- free helpers ------------------------------------------------------------------------------

std::vector<std::uint8_t> encode_f32(const std::vector<float>& values, ByteOrder order) {
  std::vector<std::uint8_t> out(values.size() * sizeof(float));
  for (std::size_t i = 0; i < values.size(); ++i) store(out.data() + i * sizeof(float), values[i], order);
  return out;
}

void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  Fd fd(path);
  pwrite_all(fd.get(), path, bytes.data(), bytes.size(), 0);
  fd.close();
}

}  // namespace f32patch::testing
