// Tests of the Gemma 4 fixtures (tests/support/gemma4_fixture.cpp) against
// docs/gguf-format.md section 6: key order and types, tensor order, types, sizes and offsets.
#include "support/gemma4_fixture.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <f32patch/gguf/types.hpp>
#include <f32patch/util/byte_order.hpp>

#include "support/temp_dir.hpp"

namespace f32patch::testing {
namespace {

using Bytes = std::vector<std::uint8_t>;
using gguf::TensorType;

constexpr std::uint32_t tid(TensorType t) { return static_cast<std::uint32_t>(t); }

// --- a minimal, test-local walk over the KV section (independent of the real reader) ----------

struct KvInfo {
  std::string key;
  std::uint32_t type = 0;
  std::uint32_t element_type = 0;  // arrays only
  std::uint64_t count = 0;         // arrays only
  std::size_t value_pos = 0;       // first byte after the type id (arrays: after the count)
};

class Walker {
 public:
  Walker(const Bytes& bytes, ByteOrder order) : m_bytes(bytes), m_order(order) {}
  template <typename T> T get() {
    if (m_pos + sizeof(T) > m_bytes.size()) throw std::out_of_range("walker: past the end");
    const T v = load<T>(m_bytes.data() + m_pos, m_order);
    m_pos += sizeof(T);
    return v;
  }
  std::string str() {
    const auto n = static_cast<std::size_t>(get<std::uint64_t>());
    if (m_pos + n > m_bytes.size()) throw std::out_of_range("walker: string past the end");
    std::string s(reinterpret_cast<const char*>(m_bytes.data() + m_pos), n);
    m_pos += n;
    return s;
  }
  void skip_value(std::uint32_t type) {
    static const std::map<std::uint32_t, std::size_t> sizes = {
        {0, 1}, {1, 1}, {2, 2}, {3, 2}, {4, 4}, {5, 4}, {6, 4}, {7, 1}, {10, 8}, {11, 8}, {12, 8}};
    if (type == 8) {
      (void)str();
    } else {
      m_pos += sizes.at(type);
    }
  }
  std::size_t pos() const { return m_pos; }
  void seek(std::size_t p) { m_pos = p; }

 private:
  const Bytes& m_bytes;
  ByteOrder m_order;
  std::size_t m_pos = 0;
};

std::vector<KvInfo> walk_kvs(const Bytes& header, ByteOrder order) {
  Walker w(header, order);
  w.seek(16);
  const auto kv_count = w.get<std::uint64_t>();
  std::vector<KvInfo> kvs;
  for (std::uint64_t i = 0; i < kv_count; ++i) {
    KvInfo kv;
    kv.key = w.str();
    kv.type = w.get<std::uint32_t>();
    if (kv.type == 9) {
      kv.element_type = w.get<std::uint32_t>();
      kv.count = w.get<std::uint64_t>();
      kv.value_pos = w.pos();
      for (std::uint64_t j = 0; j < kv.count; ++j) w.skip_value(kv.element_type);
    } else {
      kv.value_pos = w.pos();
      w.skip_value(kv.type);
    }
    kvs.push_back(kv);
  }
  return kvs;
}

const KvInfo& find_kv(const std::vector<KvInfo>& kvs, const std::string& key) {
  for (const KvInfo& kv : kvs) {
    if (kv.key == key) return kv;
  }
  throw std::out_of_range("no key " + key);
}

std::vector<std::string> read_strings(const Bytes& header, const KvInfo& kv, ByteOrder order) {
  Walker w(header, order);
  w.seek(kv.value_pos);
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(kv.count));
  for (std::uint64_t i = 0; i < kv.count; ++i) out.push_back(w.str());
  return out;
}

template <typename T>
T read_scalar(const Bytes& header, const KvInfo& kv, ByteOrder order, std::size_t index = 0) {
  return load<T>(header.data() + kv.value_pos + index * sizeof(T), order);
}

Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Bytes read_range(const std::string& path, std::uint64_t offset, std::size_t size) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  Bytes out(size);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(size));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

// --- section 6.1: the 51 KVs -------------------------------------------------------------------

struct ExpectedKv {
  const char* key;
  std::uint32_t type;
  std::uint32_t element_type;
};

// Section 6.1 in order: type 9 = array (with its element type), 8 = str, 4 = u32, 5 = i32,
// 6 = f32, 7 = bool.
constexpr ExpectedKv k_expected_kvs[] = {
    {"general.architecture", 8, 0},
    {"general.type", 8, 0},
    {"general.sampling.top_k", 5, 0},
    {"general.sampling.top_p", 6, 0},
    {"general.sampling.temp", 6, 0},
    {"general.name", 8, 0},
    {"general.finetune", 8, 0},
    {"general.basename", 8, 0},
    {"general.size_label", 8, 0},
    {"general.license", 8, 0},
    {"general.license.link", 8, 0},
    {"general.tags", 9, 8},
    {"gemma4.block_count", 4, 0},
    {"gemma4.context_length", 4, 0},
    {"gemma4.embedding_length", 4, 0},
    {"gemma4.feed_forward_length", 4, 0},
    {"gemma4.attention.head_count", 4, 0},
    {"gemma4.attention.head_count_kv", 9, 5},
    {"gemma4.rope.freq_base", 6, 0},
    {"gemma4.rope.freq_base_swa", 6, 0},
    {"gemma4.attention.layer_norm_rms_epsilon", 6, 0},
    {"gemma4.attention.key_length", 4, 0},
    {"gemma4.attention.value_length", 4, 0},
    {"gemma4.final_logit_softcapping", 6, 0},
    {"gemma4.attention.sliding_window", 4, 0},
    {"gemma4.attention.shared_kv_layers", 4, 0},
    {"gemma4.embedding_length_per_layer_input", 4, 0},
    {"gemma4.attention.sliding_window_pattern", 9, 7},
    {"gemma4.attention.key_length_swa", 4, 0},
    {"gemma4.attention.value_length_swa", 4, 0},
    {"gemma4.rope.dimension_count", 4, 0},
    {"gemma4.rope.dimension_count_swa", 4, 0},
    {"tokenizer.ggml.model", 8, 0},
    {"tokenizer.ggml.tokens", 9, 8},
    {"tokenizer.ggml.scores", 9, 6},
    {"tokenizer.ggml.token_type", 9, 5},
    {"tokenizer.ggml.merges", 9, 8},
    {"tokenizer.ggml.bos_token_id", 4, 0},
    {"tokenizer.ggml.eos_token_id", 4, 0},
    {"tokenizer.ggml.unknown_token_id", 4, 0},
    {"tokenizer.ggml.padding_token_id", 4, 0},
    {"tokenizer.ggml.mask_token_id", 4, 0},
    {"tokenizer.chat_template", 8, 0},
    {"tokenizer.ggml.add_space_prefix", 7, 0},
    {"tokenizer.ggml.add_bos_token", 7, 0},
    {"general.quantization_version", 4, 0},
    {"general.file_type", 4, 0},
    {"quantize.imatrix.file", 8, 0},
    {"quantize.imatrix.dataset", 8, 0},
    {"quantize.imatrix.entries_count", 4, 0},
    {"quantize.imatrix.chunks_count", 4, 0},
};

// The 31B builder is the expensive one (a 16 MB header); build it once for the whole suite.
class Gemma4Full : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { s_builder = new GgufBuilder(gemma4_builder(gemma4_31b())); }
  static void TearDownTestSuite() {
    delete s_builder;
    s_builder = nullptr;
  }
  static const GgufBuilder& builder() { return *s_builder; }

 private:
  static inline GgufBuilder* s_builder = nullptr;
};

TEST_F(Gemma4Full, KeysInSection61OrderWithSection61Types) {
  const Bytes header = builder().header();
  const auto kvs = walk_kvs(header, ByteOrder::little);
  ASSERT_EQ(builder().kv_count(), 51u);
  ASSERT_EQ(kvs.size(), std::size(k_expected_kvs));
  for (std::size_t i = 0; i < kvs.size(); ++i) {
    EXPECT_EQ(kvs[i].key, k_expected_kvs[i].key) << "KV #" << i;
    EXPECT_EQ(kvs[i].type, k_expected_kvs[i].type) << kvs[i].key;
    if (kvs[i].type == 9) {
      EXPECT_EQ(kvs[i].element_type, k_expected_kvs[i].element_type) << kvs[i].key;
    }
  }
  for (const KvInfo& kv : kvs) EXPECT_NE(kv.key, "general.alignment");
  EXPECT_EQ(builder().data_alignment(), 32u);
}

TEST_F(Gemma4Full, KeyValues) {
  const Bytes header = builder().header();
  const auto kvs = walk_kvs(header, ByteOrder::little);
  const auto u32 = [&](const char* key) {
    return read_scalar<std::uint32_t>(header, find_kv(kvs, key), ByteOrder::little);
  };
  EXPECT_EQ(u32("gemma4.block_count"), 60u);
  EXPECT_EQ(u32("gemma4.context_length"), 262144u);
  EXPECT_EQ(u32("gemma4.embedding_length"), 5376u);
  EXPECT_EQ(u32("gemma4.feed_forward_length"), 21504u);
  EXPECT_EQ(u32("gemma4.attention.head_count"), 32u);
  EXPECT_EQ(u32("gemma4.attention.key_length"), 512u);
  EXPECT_EQ(u32("gemma4.attention.value_length"), 512u);
  EXPECT_EQ(u32("gemma4.attention.key_length_swa"), 256u);
  EXPECT_EQ(u32("gemma4.attention.value_length_swa"), 256u);
  EXPECT_EQ(u32("gemma4.attention.sliding_window"), 1024u);
  EXPECT_EQ(u32("gemma4.rope.dimension_count"), 512u);
  EXPECT_EQ(u32("gemma4.rope.dimension_count_swa"), 256u);
  EXPECT_EQ(u32("tokenizer.ggml.bos_token_id"), 2u);
  EXPECT_EQ(u32("tokenizer.ggml.eos_token_id"), 1u);
  EXPECT_EQ(u32("tokenizer.ggml.unknown_token_id"), 3u);
  EXPECT_EQ(u32("tokenizer.ggml.padding_token_id"), 0u);
  EXPECT_EQ(u32("tokenizer.ggml.mask_token_id"), 4u);
  EXPECT_EQ(u32("general.quantization_version"), 2u);
  EXPECT_EQ(u32("general.file_type"), 31u);
  EXPECT_EQ(u32("quantize.imatrix.entries_count"), 833u - 422u);

  const KvInfo& kv_heads = find_kv(kvs, "gemma4.attention.head_count_kv");
  const KvInfo& pattern = find_kv(kvs, "gemma4.attention.sliding_window_pattern");
  ASSERT_EQ(kv_heads.count, 60u);
  ASSERT_EQ(pattern.count, 60u);
  for (std::size_t i = 0; i < 60; ++i) {
    const bool sliding = (i + 1) % 6 != 0;
    EXPECT_EQ(read_scalar<std::int32_t>(header, kv_heads, ByteOrder::little, i), sliding ? 16 : 4);
    EXPECT_EQ(header[pattern.value_pos + i], sliding ? 1 : 0) << i;
  }

  const KvInfo& tokens = find_kv(kvs, "tokenizer.ggml.tokens");
  const KvInfo& scores = find_kv(kvs, "tokenizer.ggml.scores");
  const KvInfo& types = find_kv(kvs, "tokenizer.ggml.token_type");
  const KvInfo& merges = find_kv(kvs, "tokenizer.ggml.merges");
  EXPECT_EQ(tokens.count, 262144u);
  EXPECT_EQ(scores.count, 262144u);
  EXPECT_EQ(types.count, 262144u);
  EXPECT_EQ(merges.count, 514906u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(read_scalar<float>(header, scores, ByteOrder::little, i), -1000.0f);
    EXPECT_EQ(read_scalar<std::int32_t>(header, types, ByteOrder::little, i), 3);
  }
  const KvInfo& tpl = find_kv(kvs, "tokenizer.chat_template");
  EXPECT_EQ(read_scalar<std::uint64_t>(header, tpl, ByteOrder::little), 12767u);
}

TEST_F(Gemma4Full, TokensAndMerges) {
  const Bytes header = builder().header();
  const auto kvs = walk_kvs(header, ByteOrder::little);
  const auto tokens = read_strings(header, find_kv(kvs, "tokenizer.ggml.tokens"), ByteOrder::little);
  ASSERT_EQ(tokens.size(), 262144u);
  EXPECT_EQ(tokens[0], "<pad>");
  EXPECT_EQ(tokens[1], "<eos>");
  EXPECT_EQ(tokens[2], "<bos>");
  EXPECT_EQ(tokens[3], "<unk>");
  EXPECT_EQ(tokens[4], "<mask>");
  EXPECT_EQ(tokens[50], "<|tool_response>");
  EXPECT_EQ(tokens[106], "<turn|>");
  EXPECT_EQ(tokens[107], "\n");
  std::size_t total = 0;
  std::size_t longest = 0;
  std::size_t with_space = 0;
  for (const std::string& t : tokens) {
    total += t.size();
    longest = std::max(longest, t.size());
    with_space += t.find("\xE2\x96\x81") != std::string::npos ? 1u : 0u;
  }
  EXPECT_EQ(longest, 93u);
  const double mean = static_cast<double>(total) / static_cast<double>(tokens.size());
  EXPECT_GT(mean, 7.0);
  EXPECT_LT(mean, 9.0);
  EXPECT_GT(with_space, tokens.size() / 4);
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());

  const auto merges = read_strings(header, find_kv(kvs, "tokenizer.ggml.merges"), ByteOrder::little);
  ASSERT_EQ(merges.size(), 514906u);
  std::size_t merge_total = 0;
  for (const std::string& m : merges) {
    merge_total += m.size();
    EXPECT_EQ(std::count(m.begin(), m.end(), ' '), 1) << m;
  }
  const double merge_mean = static_cast<double>(merge_total) / static_cast<double>(merges.size());
  EXPECT_GT(merge_mean, 10.0);
  EXPECT_LT(merge_mean, 12.0);
}

// --- section 6.2: tensors ----------------------------------------------------------------------

TEST_F(Gemma4Full, TensorCountsAndTypes) {
  const GgufBuilder& b = builder();
  ASSERT_EQ(b.tensor_count(), 833u);
  std::map<std::uint32_t, int> by_type;
  std::uint64_t info_bytes = 0;
  for (const TensorSpec& t : b.tensors()) {
    ++by_type[t.type];
    info_bytes += 8 + t.name.size() + 4 + 8 * t.dims.size() + 4 + 8;
    const auto traits = gguf::tensor_type_traits(t.type);
    ASSERT_TRUE(traits.has_value());
    EXPECT_EQ(t.dims[0] % static_cast<std::int64_t>(traits->block_size), 0) << t.name;
    if (t.dims.size() == 1) {
      EXPECT_EQ(t.type, tid(TensorType::F32)) << t.name;
    }
    // Only F32 tensors carry data in the 31B fixture; quantized ones are holes.
    EXPECT_EQ(t.data.empty(), t.type != tid(TensorType::F32)) << t.name;
    if (!t.data.empty()) {
      EXPECT_EQ(t.data.size(), GgufBuilder::tensor_bytes(t.type, t.dims)) << t.name;
    }
  }
  EXPECT_EQ(by_type[tid(TensorType::F32)], 422);
  EXPECT_EQ(by_type[tid(TensorType::IQ1_M)], 293);
  EXPECT_EQ(by_type[tid(TensorType::IQ2_XXS)], 60);
  EXPECT_EQ(by_type[tid(TensorType::Q2_K)], 57);
  EXPECT_EQ(by_type[tid(TensorType::Q5_K)], 1);
  EXPECT_EQ(by_type.size(), 5u);
  EXPECT_EQ(info_bytes, 49817u);
}

TEST_F(Gemma4Full, TensorOrder) {
  const auto& ts = builder().tensors();
  EXPECT_EQ(ts[0].name, "output_norm.weight");
  EXPECT_EQ(ts[1].name, "rope_freqs.weight");
  EXPECT_EQ(ts[2].name, "token_embd.weight");
  EXPECT_EQ(ts[2].dims, (std::vector<std::int64_t>{5376, 262144}));
  EXPECT_EQ(ts[2].type, tid(TensorType::Q5_K));
  const std::vector<std::string> sliding_block = {
      "attn_k", "attn_k_norm", "attn_norm", "attn_output", "attn_q", "attn_q_norm", "attn_v",
      "ffn_down", "ffn_gate", "ffn_norm", "ffn_up", "layer_output_scale", "post_attention_norm",
      "post_ffw_norm"};
  std::size_t pos = 3;
  for (std::uint32_t block = 0; block < 60; ++block) {
    for (const std::string& what : sliding_block) {
      if (what == "attn_v" && !gemma4_is_sliding(block)) continue;
      ASSERT_LT(pos, ts.size());
      EXPECT_EQ(ts[pos].name, "blk." + std::to_string(block) + "." + what + ".weight");
      ++pos;
    }
  }
  EXPECT_EQ(pos, ts.size());
}

TEST_F(Gemma4Full, TensorShapesAndTypesPerBlock) {
  std::map<std::string, const TensorSpec*> by_name;
  for (const TensorSpec& t : builder().tensors()) by_name[t.name] = &t;
  const auto get = [&](const std::string& n) -> const TensorSpec& { return *by_name.at(n); };
  using V = std::vector<std::int64_t>;
  // Sliding block 0 and full block 5.
  EXPECT_EQ(get("blk.0.attn_q.weight").dims, (V{5376, 8192}));
  EXPECT_EQ(get("blk.5.attn_q.weight").dims, (V{5376, 16384}));
  EXPECT_EQ(get("blk.0.attn_k.weight").dims, (V{5376, 4096}));
  EXPECT_EQ(get("blk.5.attn_k.weight").dims, (V{5376, 2048}));
  EXPECT_EQ(get("blk.0.attn_v.weight").type, tid(TensorType::Q2_K));
  EXPECT_EQ(by_name.count("blk.5.attn_v.weight"), 0u);
  EXPECT_EQ(get("blk.0.attn_output.weight").dims, (V{8192, 5376}));
  EXPECT_EQ(get("blk.5.attn_output.weight").type, tid(TensorType::IQ2_XXS));
  EXPECT_EQ(get("blk.0.attn_q_norm.weight").dims, (V{256}));
  EXPECT_EQ(get("blk.5.attn_k_norm.weight").dims, (V{512}));
  EXPECT_EQ(get("blk.6.ffn_down.weight").type, tid(TensorType::Q2_K));
  EXPECT_EQ(get("blk.7.ffn_down.weight").type, tid(TensorType::IQ1_M));
  EXPECT_EQ(get("blk.7.ffn_down.weight").dims, (V{21504, 5376}));
  EXPECT_EQ(get("blk.59.layer_output_scale.weight").dims, (V{1}));
  EXPECT_EQ(get("blk.59.layer_output_scale.weight").type, tid(TensorType::F32));
  EXPECT_EQ(get("rope_freqs.weight").dims, (V{256}));
}

TEST_F(Gemma4Full, Section62OffsetsAndDataSize) {
  const GgufBuilder& b = builder();
  EXPECT_EQ(b.file_size() - b.data_offset(), 7710039936u);
  EXPECT_EQ(b.tensor_offset("output_norm.weight"), 0u);
  EXPECT_EQ(b.tensor_offset("rope_freqs.weight"), 21504u);
  EXPECT_EQ(b.tensor_offset("token_embd.weight"), 22528u);
  EXPECT_EQ(b.tensor_offset("blk.0.layer_output_scale.weight"), 1090492416u);
  EXPECT_EQ(b.tensor_offset("blk.25.layer_output_scale.weight"), 3936391968u);
  EXPECT_EQ(b.tensor_offset("blk.59.layer_output_scale.weight"), 7709996896u);
  // The header is about 16 MB (section 6.1's estimate: 16.14 MB to the data start).
  EXPECT_GT(b.header_size(), 15'500'000u);
  EXPECT_LT(b.header_size(), 16'500'000u);
  EXPECT_EQ(b.data_offset() % 32, 0u);
  EXPECT_LT(b.data_offset() - b.header_size(), 32u);
}

TEST_F(Gemma4Full, WriteIsSparseAndFullSize) {
  const GgufBuilder& b = builder();
  TempDir dir;
  const std::string path = dir.file("gemma4-31b.gguf");
  b.write(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), b.file_size());
  EXPECT_LT(static_cast<std::uint64_t>(st.st_blocks) * 512, std::uint64_t{64} << 20);

  EXPECT_EQ(read_range(path, 0, static_cast<std::size_t>(b.header_size())), b.header());
  for (const std::uint32_t layer : {0u, 25u, 59u}) {
    const Bytes raw = read_range(path, b.tensor_file_offset(gemma4_scale_tensor_name(layer)), 4);
    ASSERT_EQ(raw.size(), 4u);
    EXPECT_EQ(load<float>(raw.data(), ByteOrder::little), default_layer_scale(layer));
  }
  // A quantized tensor is a hole: zeros.
  EXPECT_EQ(read_range(path, b.tensor_file_offset("blk.0.attn_q.weight"), 64), Bytes(64, 0));
}

// --- the small shape ---------------------------------------------------------------------------

TEST(Gemma4Small, SameStructureTinyFile) {
  const GgufBuilder b = gemma4_builder(gemma4_small());
  EXPECT_EQ(b.kv_count(), 51u);
  EXPECT_EQ(b.tensor_count(), 833u);
  EXPECT_LT(b.file_size(), std::uint64_t{16} << 20);
  int f32 = 0;
  for (const TensorSpec& t : b.tensors()) {
    const auto traits = gguf::tensor_type_traits(t.type);
    ASSERT_TRUE(traits.has_value());
    EXPECT_EQ(t.dims[0] % static_cast<std::int64_t>(traits->block_size), 0) << t.name;
    const std::uint64_t bytes = GgufBuilder::tensor_bytes(t.type, t.dims);
    EXPECT_GT(bytes, 0u) << t.name;
    EXPECT_EQ(t.data.size(), bytes) << t.name;  // every tensor carries data
    if (t.type == tid(TensorType::F32)) {
      ++f32;
      for (std::size_t i = 0; i < t.data.size(); i += 4) {
        const float v = load<float>(t.data.data() + i, ByteOrder::little);
        ASSERT_TRUE(std::isfinite(v)) << t.name << "[" << i / 4 << "]";
      }
    }
  }
  EXPECT_EQ(f32, 422);
}

TEST(Gemma4Small, WriteMatchesBuild) {
  const GgufBuilder b = gemma4_builder(gemma4_small());
  TempDir dir;
  const std::string path = dir.file("small.gguf");
  b.write(path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), b.file_size());
  const Bytes file = read_file(path);
  EXPECT_EQ(file, b.build());
  for (std::uint32_t layer = 0; layer < 60; ++layer) {
    const std::uint64_t at = b.tensor_file_offset(gemma4_scale_tensor_name(layer));
    EXPECT_EQ(at % 32, 0u);
    EXPECT_EQ(load<float>(file.data() + at, ByteOrder::little), default_layer_scale(layer));
  }
}

TEST(Gemma4Small, SameSeedSameBytesOtherSeedOtherBytes) {
  Gemma4Shape s = gemma4_small();
  const Bytes a = gemma4_builder(s).build();
  EXPECT_EQ(gemma4_builder(s).build(), a);
  s.seed = 2;
  const GgufBuilder other = gemma4_builder(s);
  EXPECT_NE(other.build(), a);
  // The seed changes token and merge strings (so the header size) and the data, not the
  // tensor layout.
  EXPECT_EQ(other.tensor_count(), 833u);
  EXPECT_EQ(other.file_size() - other.data_offset(),
            gemma4_builder(gemma4_small()).file_size() - gemma4_builder(gemma4_small()).data_offset());
}

TEST(Gemma4Small, BigEndianVersionTwo) {
  Gemma4Shape s = gemma4_small();
  s.order = ByteOrder::big;
  s.version = 2;
  const GgufBuilder b = gemma4_builder(s);
  const Bytes file = b.build();
  EXPECT_EQ(Bytes(file.begin(), file.begin() + 8), (Bytes{'G', 'G', 'U', 'F', 0, 0, 0, 2}));
  EXPECT_EQ(load<std::uint64_t>(file.data() + 8, ByteOrder::big), 833u);
  EXPECT_EQ(load<std::uint64_t>(file.data() + 16, ByteOrder::big), 51u);
  const auto kvs = walk_kvs(file, ByteOrder::big);
  ASSERT_EQ(kvs.size(), 51u);
  EXPECT_EQ(read_scalar<std::uint32_t>(file, find_kv(kvs, "gemma4.block_count"), ByteOrder::big), 60u);
  const std::uint64_t at = b.tensor_file_offset(gemma4_scale_tensor_name(25));
  EXPECT_EQ(load<float>(file.data() + at, ByteOrder::big), default_layer_scale(25));
  // Same layout as the little-endian file.
  const GgufBuilder le = gemma4_builder(gemma4_small());
  EXPECT_EQ(le.file_size(), b.file_size());
  EXPECT_EQ(le.data_offset(), b.data_offset());
}

TEST(Gemma4Small, LayerScalesAndBlocks) {
  Gemma4Shape s = gemma4_small();
  s.blocks = 12;
  s.layer_scales.assign(12, 1.0f);
  s.layer_scales[3] = 0.5f;
  const GgufBuilder b = gemma4_builder(s);
  EXPECT_EQ(b.kv_count(), 51u);
  EXPECT_EQ(b.tensor_count(), 3u + 10 * 14 + 2 * 13);
  const Bytes file = b.build();
  EXPECT_EQ(load<float>(file.data() + b.tensor_file_offset(gemma4_scale_tensor_name(3)),
                        ByteOrder::little), 0.5f);
  EXPECT_EQ(load<float>(file.data() + b.tensor_file_offset(gemma4_scale_tensor_name(4)),
                        ByteOrder::little), 1.0f);
  // blocks / 8 = 1: only block 0's ffn_down is Q2_K.
  std::map<std::string, std::uint32_t> types;
  for (const TensorSpec& t : b.tensors()) types[t.name] = t.type;
  EXPECT_EQ(types.at("blk.0.ffn_down.weight"), tid(TensorType::Q2_K));
  EXPECT_EQ(types.at("blk.1.ffn_down.weight"), tid(TensorType::IQ1_M));

  s.layer_scales.resize(11);
  EXPECT_THROW(gemma4_builder(s), std::invalid_argument);
}

TEST(Gemma4Small, RejectsRowsThatAreNotWholeBlocks) {
  Gemma4Shape s = gemma4_small();
  s.embd = 200;
  EXPECT_THROW(gemma4_builder(s), std::invalid_argument);
}

// --- helpers -----------------------------------------------------------------------------------

TEST(Gemma4Helpers, DefaultLayerScale) {
  std::set<float> seen;
  for (std::uint32_t layer = 0; layer < 1000; ++layer) {
    const float v = default_layer_scale(layer);
    ASSERT_TRUE(std::isfinite(v));
    EXPECT_GE(v, 0.1f);
    EXPECT_LE(v, 1.0f);
    // Not a short binary fraction: the low mantissa bits are in use.
    EXPECT_NE(std::bit_cast<std::uint32_t>(v) & 0xFFFu, 0u) << layer;
    seen.insert(v);
    EXPECT_EQ(v, default_layer_scale(layer));
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(Gemma4Helpers, SlidingPattern) {
  std::vector<std::uint32_t> full;
  for (std::uint32_t i = 0; i < 60; ++i) {
    if (!gemma4_is_sliding(i)) full.push_back(i);
  }
  EXPECT_EQ(full, (std::vector<std::uint32_t>{5, 11, 17, 23, 29, 35, 41, 47, 53, 59}));
  EXPECT_EQ(gemma4_scale_tensor_name(25), "blk.25.layer_output_scale.weight");
}

TEST(Gemma4Helpers, ChatTemplateHasExactLength) {
  for (const std::size_t n : {0u, 1u, 6u, 7u, 100u, 500u, 2000u, 12133u, 12767u, 40000u}) {
    const std::string t = gemma4_chat_template(n);
    EXPECT_EQ(t.size(), n);
    for (const char c : t) ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7F)) << n;
  }
  const std::string t = gemma4_chat_template(12767);
  EXPECT_NE(t.find("{%-"), std::string::npos);
  EXPECT_NE(t.find("-%}\n"), std::string::npos);
  EXPECT_EQ(t.rfind("{{- bos_token -}}", 0), 0u);
}

TEST(Gemma4Helpers, Shapes) {
  const Gemma4Shape big = gemma4_31b();
  EXPECT_EQ(big.blocks, 60u);
  EXPECT_EQ(big.embd, 5376u);
  EXPECT_EQ(big.ff, 21504u);
  EXPECT_EQ(big.vocab, 262144u);
  EXPECT_EQ(big.merges, 514906u);
  EXPECT_EQ(big.head_count, 32u);
  EXPECT_EQ(big.head_dim_swa, 256u);
  EXPECT_EQ(big.head_dim_full, 512u);
  EXPECT_EQ(big.kv_heads_swa, 16u);
  EXPECT_EQ(big.kv_heads_full, 4u);
  EXPECT_EQ(big.chat_template_bytes, 12767u);
  EXPECT_FALSE(big.real_data);
  EXPECT_EQ(big.order, ByteOrder::little);
  EXPECT_EQ(big.version, 3u);
  EXPECT_TRUE(big.layer_scales.empty());
  const Gemma4Shape small = gemma4_small();
  EXPECT_EQ(small.blocks, 60u);
  EXPECT_TRUE(small.real_data);
}

}  // namespace
}  // namespace f32patch::testing
