// The two type vocabularies of a GGUF file: metadata value types and ggml tensor types.
// Each is described once, in a table indexed by its on-disk id.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace f32patch::gguf {

// Metadata value type ids (GGUF spec, gguf.h).
enum class ValueType : std::uint32_t {
  uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6,
  boolean = 7, string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12,
};
inline constexpr std::uint32_t value_type_count = 13;

// The on-disk name used in messages and JSON ("u32", "str", "arr", ...).
std::string_view value_type_name(ValueType type) noexcept;
// Fixed payload size in bytes; 0 for string and array, whose size depends on content.
std::uint32_t value_type_size(ValueType type) noexcept;
std::optional<ValueType> value_type_from_id(std::uint32_t id) noexcept;

// ggml tensor type ids (ggml.h). Removed ids exist in the table with block size 0.
enum class TensorType : std::uint32_t {
  F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q8_1 = 9,
  Q2_K = 10, Q3_K = 11, Q4_K = 12, Q5_K = 13, Q6_K = 14, Q8_K = 15,
  IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21, IQ2_S = 22,
  IQ4_XS = 23, I8 = 24, I16 = 25, I32 = 26, I64 = 27, F64 = 28, IQ1_M = 29, BF16 = 30,
  TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39, NVFP4 = 40, Q1_0 = 41, Q2_0 = 42,
};
inline constexpr std::uint32_t tensor_type_count = 43;  // GGML_TYPE_COUNT

struct TensorTypeTraits {
  std::string_view name;      // "F32", "Q4_K", ...; for removed ids e.g. "Q4_2 (removed)"
  std::uint32_t block_size;   // elements per block; 0 for removed ids
  std::uint32_t type_size;    // bytes per block
};

// Traits for any id below tensor_type_count (removed ids included); nullopt beyond the table.
std::optional<TensorTypeTraits> tensor_type_traits(std::uint32_t id) noexcept;
// True when the id names a type that exists today (in the table, block size non-zero).
bool is_known_tensor_type(std::uint32_t id) noexcept;
std::string_view tensor_type_name(TensorType type) noexcept;

}  // namespace f32patch::gguf
