#include <f32patch/gguf/types.hpp>

#include <array>

namespace f32patch::gguf {

namespace {

struct ValueTypeRow {
  std::string_view name;
  std::uint32_t size;
};

constexpr std::array<ValueTypeRow, value_type_count> k_value_types{{
    {"u8", 1}, {"i8", 1}, {"u16", 2}, {"i16", 2}, {"u32", 4}, {"i32", 4}, {"f32", 4},
    {"bool", 1}, {"str", 0}, {"arr", 0}, {"u64", 8}, {"i64", 8}, {"f64", 8},
}};

// ggml type_traits: name, block size (elements), type size (bytes per block).
constexpr std::array<TensorTypeTraits, tensor_type_count> k_tensor_types{{
    {"F32", 1, 4},      {"F16", 1, 2},       {"Q4_0", 32, 18},     {"Q4_1", 32, 20},
    {"Q4_2 (removed)", 0, 0},                {"Q4_3 (removed)", 0, 0},
    {"Q5_0", 32, 22},   {"Q5_1", 32, 24},    {"Q8_0", 32, 34},     {"Q8_1", 32, 36},
    {"Q2_K", 256, 84},  {"Q3_K", 256, 110},  {"Q4_K", 256, 144},   {"Q5_K", 256, 176},
    {"Q6_K", 256, 210}, {"Q8_K", 256, 292},  {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},
    {"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50}, {"IQ4_NL", 32, 18},  {"IQ3_S", 256, 110},
    {"IQ2_S", 256, 82}, {"IQ4_XS", 256, 136}, {"I8", 1, 1},        {"I16", 1, 2},
    {"I32", 1, 4},      {"I64", 1, 8},       {"F64", 1, 8},        {"IQ1_M", 256, 56},
    {"BF16", 1, 2},
    {"Q4_0_4_4 (removed)", 0, 0}, {"Q4_0_4_8 (removed)", 0, 0}, {"Q4_0_8_8 (removed)", 0, 0},
    {"TQ1_0", 256, 54}, {"TQ2_0", 256, 66},
    {"IQ4_NL_4_4 (removed)", 0, 0}, {"IQ4_NL_4_8 (removed)", 0, 0}, {"IQ4_NL_8_8 (removed)", 0, 0},
    {"MXFP4", 32, 17},  {"NVFP4", 64, 36},   {"Q1_0", 128, 18},    {"Q2_0", 64, 18},
}};
static_assert(k_tensor_types.size() == tensor_type_count);
static_assert(static_cast<std::uint32_t>(TensorType::Q2_0) + 1 == tensor_type_count);

}  // namespace

std::string_view value_type_name(ValueType type) noexcept {
  const auto id = static_cast<std::uint32_t>(type);
  return id < value_type_count ? k_value_types[id].name : std::string_view("?");
}

std::uint32_t value_type_size(ValueType type) noexcept {
  const auto id = static_cast<std::uint32_t>(type);
  return id < value_type_count ? k_value_types[id].size : 0;
}

std::optional<ValueType> value_type_from_id(std::uint32_t id) noexcept {
  if (id >= value_type_count) return std::nullopt;
  return static_cast<ValueType>(id);
}

std::optional<TensorTypeTraits> tensor_type_traits(std::uint32_t id) noexcept {
  if (id >= tensor_type_count) return std::nullopt;
  return k_tensor_types[id];
}

bool is_known_tensor_type(std::uint32_t id) noexcept {
  return id < tensor_type_count && k_tensor_types[id].block_size != 0;
}

std::string_view tensor_type_name(TensorType type) noexcept {
  const auto id = static_cast<std::uint32_t>(type);
  return id < tensor_type_count ? k_tensor_types[id].name : std::string_view("?");
}

}  // namespace f32patch::gguf
