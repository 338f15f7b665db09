// A test-only GGUF writer. It writes exactly what it is told, valid or not, so the same
// builder serves the valid fixtures and the corruption cases.
//
// By default everything it produces is valid: offsets are the running sum of tensor sizes
// rounded up to the data alignment, the header is padded with zeros to that alignment, and the
// file ends after the last tensor's padding. Escape hatches (raw type ids, explicit offsets,
// raw dims, a data alignment that differs from the general.alignment key) produce the invalid
// files the reader tests need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <f32patch/gguf/types.hpp>
#include <f32patch/util/byte_order.hpp>

namespace f32patch::testing {

struct TensorSpec {
  std::string name;
  std::uint32_t type = 0;                 // ggml type id, written as is (may be invalid)
  std::vector<std::int64_t> dims;         // ne[0] first; n_dims = dims.size() (may be > 4)
  std::optional<std::uint64_t> offset;    // relative offset; computed when not set
  std::vector<std::uint8_t> data;         // raw bytes, already in the file's byte order; empty
                                          // means "no data": zeros in memory, a hole on disk
};

class GgufBuilder {
 public:
  GgufBuilder& version(std::uint32_t v);            // default 3
  GgufBuilder& byte_order(ByteOrder order);          // default little
  GgufBuilder& data_alignment(std::uint32_t a);     // alignment used for offsets/padding; default
                                                     // 32, or the value given to alignment()
  // Writes a u32 general.alignment key and uses the value as the data alignment.
  GgufBuilder& alignment(std::uint32_t a);
  // Overrides the counts written in the header (to lie about them).
  GgufBuilder& tensor_count_override(std::uint64_t n);
  GgufBuilder& kv_count_override(std::uint64_t n);

  // Scalars.
  GgufBuilder& kv_u8(const std::string& key, std::uint8_t v);
  GgufBuilder& kv_i8(const std::string& key, std::int8_t v);
  GgufBuilder& kv_u16(const std::string& key, std::uint16_t v);
  GgufBuilder& kv_i16(const std::string& key, std::int16_t v);
  GgufBuilder& kv_u32(const std::string& key, std::uint32_t v);
  GgufBuilder& kv_i32(const std::string& key, std::int32_t v);
  GgufBuilder& kv_f32(const std::string& key, float v);
  GgufBuilder& kv_bool(const std::string& key, bool v);
  GgufBuilder& kv_str(const std::string& key, const std::string& v);
  GgufBuilder& kv_u64(const std::string& key, std::uint64_t v);
  GgufBuilder& kv_i64(const std::string& key, std::int64_t v);
  GgufBuilder& kv_f64(const std::string& key, double v);
  // Arrays.
  GgufBuilder& kv_bool_array(const std::string& key, const std::vector<bool>& v);
  GgufBuilder& kv_i32_array(const std::string& key, const std::vector<std::int32_t>& v);
  GgufBuilder& kv_u32_array(const std::string& key, const std::vector<std::uint32_t>& v);
  GgufBuilder& kv_f32_array(const std::string& key, const std::vector<float>& v);
  GgufBuilder& kv_str_array(const std::string& key, const std::vector<std::string>& v);
  // Large arrays without materialising them: element i comes from the generator.
  GgufBuilder& kv_str_array_gen(const std::string& key, std::uint64_t count,
                                const std::function<std::string(std::uint64_t)>& gen);
  GgufBuilder& kv_f32_array_gen(const std::string& key, std::uint64_t count,
                                const std::function<float(std::uint64_t)>& gen);
  GgufBuilder& kv_i32_array_gen(const std::string& key, std::uint64_t count,
                                const std::function<std::int32_t(std::uint64_t)>& gen);
  // A record with any value type id and payload bytes written verbatim after the type id
  // (for arrays: include the element type id and count in `payload` yourself).
  GgufBuilder& kv_raw(const std::string& key, std::uint32_t type_id,
                      const std::vector<std::uint8_t>& payload);

  GgufBuilder& tensor(TensorSpec spec);
  // Convenience: an F32 tensor with the given values (encoded in the builder's byte order).
  GgufBuilder& f32_tensor(const std::string& name, const std::vector<std::int64_t>& dims,
                          const std::vector<float>& values);

  // Byte size of a tensor as ggml computes it (0 for invalid types or dims).
  static std::uint64_t tensor_bytes(std::uint32_t type, const std::vector<std::int64_t>& dims);

  // Layout facts of what build()/write() produce.
  std::uint64_t header_size() const;   // bytes before the data section (unpadded)
  std::uint64_t data_offset() const;   // header_size rounded up to the data alignment
  std::uint64_t file_size() const;     // data_offset + padded sum of tensor sizes
  std::uint64_t tensor_offset(const std::string& name) const;  // relative offset

  // What has been added so far (the header counts may be overridden; these are not).
  std::size_t kv_count() const noexcept { return m_kvs.size(); }
  std::size_t tensor_count() const noexcept { return m_tensors.size(); }
  const std::vector<TensorSpec>& tensors() const noexcept { return m_tensors; }
  std::uint32_t data_alignment() const noexcept { return m_alignment; }
  std::uint32_t gguf_version() const noexcept { return m_version; }
  ByteOrder order() const noexcept { return m_order; }
  // Absolute file position of a tensor's data: data_offset() + tensor_offset(name).
  std::uint64_t tensor_file_offset(const std::string& name) const;
  // The bytes before the data section: header, KVs and tensor infos (header_size() bytes).
  std::vector<std::uint8_t> header() const { return header_bytes(); }

  // The whole file in memory (tensors without data are zeros). Throws std::runtime_error if a
  // tensor's data would lie outside file_size() (an explicit offset pointing past the end), or
  // if the file is over 1 GiB (use write(): the Gemma 4 31B fixture is 7.7 GB).
  std::vector<std::uint8_t> build() const;
  // The first `size` bytes of the file, without materialising the rest (for truncated files
  // and for files that declare more data than can be held in memory). Bytes past file_size()
  // are zeros; data past `size` is cut. Throws if `size` is over 1 GiB.
  std::vector<std::uint8_t> build_prefix(std::uint64_t size) const;
  // The file on disk; tensors without data are left as holes (sparse file, set with
  // ftruncate), so a 9.5 GB Gemma-shaped file costs only its header and F32 data on disk.
  // Creates or truncates `path`; throws std::runtime_error on I/O failure or data outside the
  // file (as build()).
  void write(const std::string& path) const;

 private:
  struct Kv {
    std::vector<std::uint8_t> bytes;  // full record: key string, type id, payload
  };
  template <typename T> void put(std::vector<std::uint8_t>& out, T value) const;
  void put_string(std::vector<std::uint8_t>& out, const std::string& s) const;
  GgufBuilder& add_kv(const std::string& key, std::uint32_t type_id,
                      const std::vector<std::uint8_t>& payload);
  template <typename T>
  GgufBuilder& add_scalar(const std::string& key, std::uint32_t type_id, T value);
  std::vector<std::uint8_t> header_bytes() const;      // header + KVs + tensor infos
  std::vector<std::uint64_t> resolved_offsets() const;
  std::vector<std::uint8_t> begin_record(const std::string& key, std::uint32_t type_id) const;
  void begin_array(std::vector<std::uint8_t>& out, std::uint32_t element_type,
                   std::uint64_t count) const;
  std::uint64_t tensor_info_size(const TensorSpec& spec) const;
  std::uint64_t data_size() const;     // padded sum of tensor sizes
  const TensorSpec& find_tensor(const std::string& name, std::size_t* index) const;
  void check_data_fits() const;  // throws if a tensor's data lies outside file_size()

  std::uint32_t m_version = 3;
  ByteOrder m_order = ByteOrder::little;
  std::uint32_t m_alignment = 32;
  std::optional<std::uint64_t> m_tensor_count_override;
  std::optional<std::uint64_t> m_kv_count_override;
  std::vector<Kv> m_kvs;
  std::vector<TensorSpec> m_tensors;
};

// Encodes floats in the given byte order (for TensorSpec::data).
std::vector<std::uint8_t> encode_f32(const std::vector<float>& values, ByteOrder order);

// Writes `bytes` to `path` (created or truncated); throws std::runtime_error on failure.
void write_file_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);

}  // namespace f32patch::testing
