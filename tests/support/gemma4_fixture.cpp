#include "support/gemma4_fixture.hpp"

#include <array>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <f32patch/gguf/types.hpp>

namespace f32patch::testing {

namespace {

using gguf::TensorType;

constexpr std::uint32_t tid(TensorType type) noexcept { return static_cast<std::uint32_t>(type); }

// splitmix64: a stateless mix, so element i of any generated sequence depends only on (seed, i).
constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

constexpr std::uint64_t hash3(std::uint64_t seed, std::uint64_t stream, std::uint64_t i) noexcept {
  return mix(mix(mix(seed) ^ stream) ^ i);
}

// A sequential generator for tensor data.
class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream) : m_state(hash3(seed, stream, 0)) {}
  std::uint64_t next() noexcept {
    m_state += 0x9E3779B97F4A7C15ull;
    std::uint64_t z = m_state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  float unit() noexcept { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }

 private:
  std::uint64_t m_state;
};

constexpr std::string_view k_space = "\xE2\x96\x81";  // U+2581, SentencePiece's space marker

// Stream ids, so tokens, merges and tensor data draw from unrelated sequences.
constexpr std::uint64_t k_stream_tokens = 1;
constexpr std::uint64_t k_stream_merges = 2;
constexpr std::uint64_t k_stream_tensors = 3;

// Token id layout (ids that do not fit in a small vocab are simply absent).
constexpr std::uint64_t k_first_byte_token = 108;  // <0x00> .. <0xFF>
constexpr std::uint64_t k_byte_token_end = k_first_byte_token + 256;
constexpr std::size_t k_max_token_bytes = 93;

enum TokenType : std::int32_t {
  normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6,
};

std::int32_t token_type(std::uint64_t token) {
  if (token <= 4) return control;
  if (token == 50) return user_defined;
  if (token < 106) return unused;
  if (token == 106) return control;
  if (token == 107) return normal;
  if (token >= k_first_byte_token && token < k_byte_token_end) return byte;
  return normal;
}

void append_lower(std::string& out, std::uint64_t h, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(static_cast<char>('a' + static_cast<int>(h % 26)));
    h = mix(h);
  }
}

void append_base36(std::string& out, std::uint64_t value) {
  constexpr std::string_view digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  char buf[16];
  std::size_t n = 0;
  do {
    buf[n++] = digits[value % 36];
    value /= 36;
  } while (value != 0);
  while (n > 0) out.push_back(buf[--n]);
}

// Pieces of a Gemma-like chat template; '@' in the chunk becomes the chunk number, which keeps
// the chunks distinct.
constexpr std::string_view k_template_head =
    "{{- bos_token -}}\n"
    "{%- set ns = namespace(system_message='', tools_rendered=false) -%}\n"
    "{%- if messages[0]['role'] == 'system' -%}\n"
    "    {%- set ns.system_message = messages[0]['content'] -%}\n"
    "    {%- set loop_messages = messages[1:] -%}\n"
    "{%- else -%}\n"
    "    {%- set loop_messages = messages -%}\n"
    "{%- endif -%}\n";
constexpr std::string_view k_template_chunk =
    "{%- macro render_part_@(item, role) -%}\n"
    "    {%- if item['type'] == 'text' -%}\n"
    "        {{- item['text'] | trim -}}\n"
    "    {%- elif item['type'] == 'tool_call' -%}\n"
    "        {{- '<|tool_call>call:' + item['function']['name'] + '{' -}}\n"
    "        {%- for key, value in item['function']['arguments'] | dictsort -%}\n"
    "            {{- key + ':' + (value | tojson) -}}{{- ',' if not loop.last -}}\n"
    "        {%- endfor -%}\n"
    "        {{- '}<tool_call|>' -}}\n"
    "    {%- endif -%}\n"
    "{%- endmacro -%}\n";
constexpr std::string_view k_template_tail =
    "{%- for message in loop_messages -%}\n"
    "    {{- '<|turn>' + message['role'] + '\\n' -}}\n"
    "    {{- render_part_0(message, message['role']) -}}\n"
    "    {{- '<turn|>\\n' -}}\n"
    "{%- endfor -%}\n"
    "{%- if add_generation_prompt -%}\n"
    "    {{- '<|turn>model\\n' -}}\n"
    "{%- endif -%}\n";

struct TensorPlan {
  std::string name;
  std::uint32_t type;
  std::vector<std::int64_t> dims;
  enum class Fill { random, norm, rope_freqs, scale } fill;
  std::uint32_t layer = 0;
};

std::int64_t dim(std::uint64_t value) {
  if (value > static_cast<std::uint64_t>(INT64_MAX)) {
    throw std::invalid_argument(fmt::format("gemma4 fixture: dimension {} too large", value));
  }
  return static_cast<std::int64_t>(value);
}

std::vector<TensorPlan> plan_tensors(const Gemma4Shape& s) {
  using Fill = TensorPlan::Fill;
  const std::int64_t embd = dim(s.embd);
  std::vector<TensorPlan> plan;
  plan.reserve(3 + std::size_t{s.blocks} * 14);
  plan.push_back({"output_norm.weight", tid(TensorType::F32), {embd}, Fill::norm});
  plan.push_back({"rope_freqs.weight", tid(TensorType::F32), {dim(s.head_dim_full / 2u)},
                  Fill::rope_freqs});
  plan.push_back({"token_embd.weight", tid(TensorType::Q5_K), {embd, dim(s.vocab)}, Fill::random});

  for (std::uint32_t i = 0; i < s.blocks; ++i) {
    const bool sliding = gemma4_is_sliding(i);
    const std::uint64_t hd = sliding ? s.head_dim_swa : s.head_dim_full;
    const std::uint64_t kv = sliding ? s.kv_heads_swa : s.kv_heads_full;
    const std::int64_t q_width = dim(std::uint64_t{s.head_count} * hd);
    const std::int64_t kv_width = dim(kv * hd);
    const std::int64_t ff = dim(s.ff);
    const std::uint32_t down_type =
        i < s.blocks / 8 ? tid(TensorType::Q2_K) : tid(TensorType::IQ1_M);
    const auto name = [i](std::string_view what) { return fmt::format("blk.{}.{}.weight", i, what); };
    const auto add = [&](std::string_view what, std::uint32_t type,
                         std::vector<std::int64_t> dims, Fill fill) {
      plan.push_back({name(what), type, std::move(dims), fill, i});
    };
    // Plain string order of the names inside a block, as llama-quantize writes them.
    add("attn_k", tid(TensorType::IQ1_M), {embd, kv_width}, Fill::random);
    add("attn_k_norm", tid(TensorType::F32), {dim(hd)}, Fill::norm);
    add("attn_norm", tid(TensorType::F32), {embd}, Fill::norm);
    add("attn_output", tid(TensorType::IQ2_XXS), {q_width, embd}, Fill::random);
    add("attn_q", tid(TensorType::IQ1_M), {embd, q_width}, Fill::random);
    add("attn_q_norm", tid(TensorType::F32), {dim(hd)}, Fill::norm);
    if (sliding) add("attn_v", tid(TensorType::Q2_K), {embd, kv_width}, Fill::random);
    add("ffn_down", down_type, {ff, embd}, Fill::random);
    add("ffn_gate", tid(TensorType::IQ1_M), {embd, ff}, Fill::random);
    add("ffn_norm", tid(TensorType::F32), {embd}, Fill::norm);
    add("ffn_up", tid(TensorType::IQ1_M), {embd, ff}, Fill::random);
    add("layer_output_scale", tid(TensorType::F32), {1}, Fill::scale);
    add("post_attention_norm", tid(TensorType::F32), {embd}, Fill::norm);
    add("post_ffw_norm", tid(TensorType::F32), {embd}, Fill::norm);
  }

  for (const TensorPlan& t : plan) {
    const auto traits = gguf::tensor_type_traits(t.type);
    if (t.dims[0] % static_cast<std::int64_t>(traits->block_size) != 0) {
      throw std::invalid_argument(fmt::format(
          "gemma4 fixture: {} has ne[0] = {}, not a multiple of the {} block size {}", t.name,
          t.dims[0], traits->name, traits->block_size));
    }
  }
  return plan;
}

std::vector<std::uint8_t> tensor_data(const Gemma4Shape& s, const TensorPlan& t,
                                      std::uint64_t index) {
  using Fill = TensorPlan::Fill;
  const std::uint64_t bytes = GgufBuilder::tensor_bytes(t.type, t.dims);
  Rng rng(s.seed, k_stream_tensors ^ (index << 8));
  switch (t.fill) {
    case Fill::random: {
      if (!s.real_data) return {};
      std::vector<std::uint8_t> out(static_cast<std::size_t>(bytes));
      std::size_t i = 0;
      for (; i + 8 <= out.size(); i += 8) {
        const std::uint64_t r = rng.next();
        for (std::size_t b = 0; b < 8; ++b) out[i + b] = static_cast<std::uint8_t>(r >> (8 * b));
      }
      for (; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(rng.next());
      return out;
    }
    case Fill::norm: {
      std::vector<float> values(static_cast<std::size_t>(bytes / 4));
      for (float& v : values) v = 0.25f + 1.5f * rng.unit();
      return encode_f32(values, s.order);
    }
    case Fill::rope_freqs: {
      // The converter's partial RoPE: the first quarter 1.0, the rest 1e30 (finite).
      std::vector<float> values(static_cast<std::size_t>(bytes / 4), 1e30f);
      for (std::size_t i = 0; i < values.size() / 4; ++i) values[i] = 1.0f;
      return encode_f32(values, s.order);
    }
    case Fill::scale:
      return encode_f32({gemma4_layer_scale(s, t.layer)}, s.order);
  }
  return {};
}

}  // namespace

Gemma4Shape gemma4_31b() { return Gemma4Shape{}; }

Gemma4Shape gemma4_small() {
  Gemma4Shape s;
  s.embd = 256;
  s.ff = 512;
  s.vocab = 512;
  s.merges = 1000;
  s.head_count = 2;
  s.head_dim_swa = 128;
  s.head_dim_full = 256;
  s.kv_heads_swa = 1;
  s.kv_heads_full = 1;
  s.chat_template_bytes = 2000;
  s.real_data = true;
  return s;
}

float default_layer_scale(std::uint32_t layer) {
  // Golden-ratio steps spread the values over [0.1, 0.95] without repeats.
  const double step = 0.6180339887498949 * (static_cast<double>(layer) + 1.0);
  const double frac = step - std::floor(step);
  return static_cast<float>(0.1 + 0.85 * frac);
}

float gemma4_layer_scale(const Gemma4Shape& shape, std::uint32_t layer) {
  if (shape.layer_scales.empty()) return default_layer_scale(layer);
  return shape.layer_scales.at(layer);
}

bool gemma4_is_sliding(std::uint32_t layer) { return (std::uint64_t{layer} + 1) % 6 != 0; }

std::string gemma4_scale_tensor_name(std::uint32_t layer) {
  return fmt::format("blk.{}.layer_output_scale.weight", layer);
}

std::string gemma4_token(std::uint32_t seed, std::uint64_t vocab, std::uint64_t id) {
  static constexpr std::array<std::string_view, 5> k_specials = {"<pad>", "<eos>", "<bos>",
                                                                 "<unk>", "<mask>"};
  if (id < k_specials.size()) return std::string(k_specials[id]);
  if (id == 50) return "<|tool_response>";
  if (id < 106) return fmt::format("<unused{}>", id < 50 ? id - 5 : id - 6);
  if (id == 106) return "<turn|>";
  if (id == 107) return "\n";
  if (id >= k_first_byte_token && id < k_byte_token_end) {
    return fmt::format("<0x{:02X}>", id - k_first_byte_token);
  }
  std::string out;
  if (id + 1 == vocab) {  // the longest token: 31 space markers, 93 bytes
    for (std::size_t i = 0; i < k_max_token_bytes / k_space.size(); ++i) out += k_space;
    return out;
  }
  // Synthetic: an optional space marker, 0-5 lowercase letters (now and then a long run), and
  // the id in base 36 ([0-9A-Z]), which keeps every token distinct. About 8 bytes on average.
  const std::uint64_t h = hash3(seed, k_stream_tokens, id);
  if ((h & 1u) != 0) out += k_space;
  std::size_t letters = static_cast<std::size_t>((h >> 8) % 6);
  if ((h >> 16) % 256 == 0) letters += 10 + static_cast<std::size_t>((h >> 24) % 40);
  append_lower(out, h >> 32, letters);
  append_base36(out, id);
  return out;
}

std::string gemma4_merge(std::uint32_t seed, std::uint64_t index) {
  // "A B": an optional space marker and 1-6 letters, a space, 2-8 letters. About 11 bytes.
  const std::uint64_t h = hash3(seed, k_stream_merges, index);
  std::string out;
  if ((h & 1u) != 0) out += k_space;
  append_lower(out, mix(h ^ 1u), 1 + static_cast<std::size_t>((h >> 8) % 6));
  out.push_back(' ');
  append_lower(out, mix(h ^ 2u), 2 + static_cast<std::size_t>((h >> 16) % 7));
  return out;
}

std::string gemma4_chat_template(std::size_t bytes) {
  std::string out(k_template_head);
  std::string chunk;
  for (std::uint64_t k = 0;; ++k) {
    chunk.clear();
    for (const char c : k_template_chunk) {
      if (c == '@') {
        chunk += std::to_string(k);
      } else {
        chunk.push_back(c);
      }
    }
    if (out.size() + chunk.size() + k_template_tail.size() > bytes) break;
    out += chunk;
  }
  // Fill the gap before the tail with a Jinja comment, or plain newlines if it is tiny.
  const std::size_t used = out.size() + k_template_tail.size();
  if (used <= bytes) {
    std::size_t gap = bytes - used;
    if (gap >= 7) {
      out += "{# ";
      out.append(gap - 7, '-');
      out += " #}\n";
    } else {
      out.append(gap, '\n');
    }
    out += k_template_tail;
  } else {
    out += k_template_tail;
    out.resize(bytes);
  }
  return out;
}

GgufBuilder gemma4_builder(const Gemma4Shape& s) {
  if (!s.layer_scales.empty() && s.layer_scales.size() != s.blocks) {
    throw std::invalid_argument(fmt::format("gemma4 fixture: {} layer scales for {} blocks",
                                            s.layer_scales.size(), s.blocks));
  }
  const std::vector<TensorPlan> plan = plan_tensors(s);
  std::uint32_t quantized = 0;
  for (const TensorPlan& t : plan) quantized += t.type != tid(TensorType::F32) ? 1u : 0u;

  const auto to_u32 = [](std::uint64_t v, const char* what) {
    if (v > UINT32_MAX) throw std::invalid_argument(fmt::format("gemma4 fixture: {} too large", what));
    return static_cast<std::uint32_t>(v);
  };

  GgufBuilder b;
  b.version(s.version).byte_order(s.order);

  std::vector<std::int32_t> kv_heads(s.blocks);
  std::vector<bool> swa_pattern(s.blocks);
  for (std::uint32_t i = 0; i < s.blocks; ++i) {
    swa_pattern[i] = gemma4_is_sliding(i);
    kv_heads[i] = static_cast<std::int32_t>(swa_pattern[i] ? s.kv_heads_swa : s.kv_heads_full);
  }
  const std::uint64_t vocab = s.vocab;
  const std::uint32_t seed = s.seed;

  // Section 6.1, in order.
  b.kv_str("general.architecture", "gemma4")
      .kv_str("general.type", "model")
      .kv_i32("general.sampling.top_k", 64)
      .kv_f32("general.sampling.top_p", 0.95f)
      .kv_f32("general.sampling.temp", 1.0f)
      .kv_str("general.name", "Gemma 4 31B It")
      .kv_str("general.finetune", "it")
      .kv_str("general.basename", "gemma-4")
      .kv_str("general.size_label", "31B")
      .kv_str("general.license", "apache-2.0")
      .kv_str("general.license.link", "https://ai.google.dev/gemma/docs/gemma_4_license")
      .kv_str_array("general.tags", {"image-text-to-text"})
      .kv_u32("gemma4.block_count", s.blocks)
      .kv_u32("gemma4.context_length", 262144)
      .kv_u32("gemma4.embedding_length", to_u32(s.embd, "embd"))
      .kv_u32("gemma4.feed_forward_length", to_u32(s.ff, "ff"))
      .kv_u32("gemma4.attention.head_count", s.head_count)
      .kv_i32_array("gemma4.attention.head_count_kv", kv_heads)
      .kv_f32("gemma4.rope.freq_base", 1000000.0f)
      .kv_f32("gemma4.rope.freq_base_swa", 10000.0f)
      .kv_f32("gemma4.attention.layer_norm_rms_epsilon", 1e-6f)
      .kv_u32("gemma4.attention.key_length", s.head_dim_full)
      .kv_u32("gemma4.attention.value_length", s.head_dim_full)
      .kv_f32("gemma4.final_logit_softcapping", 30.0f)
      .kv_u32("gemma4.attention.sliding_window", 1024)
      .kv_u32("gemma4.attention.shared_kv_layers", 0)
      .kv_u32("gemma4.embedding_length_per_layer_input", 0)
      .kv_bool_array("gemma4.attention.sliding_window_pattern", swa_pattern)
      .kv_u32("gemma4.attention.key_length_swa", s.head_dim_swa)
      .kv_u32("gemma4.attention.value_length_swa", s.head_dim_swa)
      .kv_u32("gemma4.rope.dimension_count", s.head_dim_full)
      .kv_u32("gemma4.rope.dimension_count_swa", s.head_dim_swa)
      .kv_str("tokenizer.ggml.model", "gemma4")
      .kv_str_array_gen("tokenizer.ggml.tokens", vocab,
                        [seed, vocab](std::uint64_t i) { return gemma4_token(seed, vocab, i); })
      .kv_f32_array_gen("tokenizer.ggml.scores", vocab,
                        [](std::uint64_t i) {
                          const std::int32_t type = token_type(i);
                          return type == control || type == user_defined || type == unused
                                     ? -1000.0f
                                     : -static_cast<float>(i);
                        })
      .kv_i32_array_gen("tokenizer.ggml.token_type", vocab,
                        [](std::uint64_t i) { return token_type(i); })
      .kv_str_array_gen("tokenizer.ggml.merges", s.merges,
                        [seed](std::uint64_t i) { return gemma4_merge(seed, i); })
      .kv_u32("tokenizer.ggml.bos_token_id", 2)
      .kv_u32("tokenizer.ggml.eos_token_id", 1)
      .kv_u32("tokenizer.ggml.unknown_token_id", 3)
      .kv_u32("tokenizer.ggml.padding_token_id", 0)
      .kv_u32("tokenizer.ggml.mask_token_id", 4)
      .kv_str("tokenizer.chat_template", gemma4_chat_template(s.chat_template_bytes))
      .kv_bool("tokenizer.ggml.add_space_prefix", false)
      .kv_bool("tokenizer.ggml.add_bos_token", true)
      .kv_u32("general.quantization_version", 2)
      .kv_u32("general.file_type", 31)
      .kv_str("quantize.imatrix.file", "imatrix.gguf")
      .kv_str("quantize.imatrix.dataset", "calibration_datav5.txt")
      .kv_u32("quantize.imatrix.entries_count", quantized)
      .kv_u32("quantize.imatrix.chunks_count", 125);

  // Section 6.2: tensor infos in llama-quantize order, offsets computed by the builder.
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const TensorPlan& t = plan[i];
    TensorSpec spec;
    spec.name = t.name;
    spec.type = t.type;
    spec.dims = t.dims;
    spec.data = tensor_data(s, t, i);
    b.tensor(std::move(spec));
  }
  return b;
}

}  // namespace f32patch::testing
