// Loading and storing fixed-width numbers in a chosen byte order, from unaligned bytes.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace f32patch {

enum class ByteOrder { little, big };

constexpr std::string_view to_string(ByteOrder order) noexcept {
  return order == ByteOrder::little ? "little-endian" : "big-endian";
}

constexpr ByteOrder host_byte_order() noexcept {
  return std::endian::native == std::endian::little ? ByteOrder::little : ByteOrder::big;
}

namespace detail {
template <typename U>
constexpr U byteswap(U value) noexcept {
  static_assert(std::is_unsigned_v<U>);
  std::uint64_t in = value;
  std::uint64_t out = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    out = (out << 8u) | (in & 0xFFu);
    in >>= 8u;
  }
  return static_cast<U>(out);
}

template <std::size_t N> struct UnsignedOfSize;
template <> struct UnsignedOfSize<1> { using type = std::uint8_t; };
template <> struct UnsignedOfSize<2> { using type = std::uint16_t; };
template <> struct UnsignedOfSize<4> { using type = std::uint32_t; };
template <> struct UnsignedOfSize<8> { using type = std::uint64_t; };
}  // namespace detail

// Reads a T (integer or floating point) stored in `order` at `src`, which need not be aligned.
template <typename T>
T load(const void* src, ByteOrder order) noexcept {
  static_assert(std::is_arithmetic_v<T>);
  using U = typename detail::UnsignedOfSize<sizeof(T)>::type;
  U raw;
  std::memcpy(&raw, src, sizeof raw);
  if (order != host_byte_order()) raw = detail::byteswap(raw);
  return std::bit_cast<T>(raw);
}

// Writes `value` to `dst` in `order`.
template <typename T>
void store(void* dst, T value, ByteOrder order) noexcept {
  static_assert(std::is_arithmetic_v<T>);
  using U = typename detail::UnsignedOfSize<sizeof(T)>::type;
  U raw = std::bit_cast<U>(value);
  if (order != host_byte_order()) raw = detail::byteswap(raw);
  std::memcpy(dst, &raw, sizeof raw);
}

}  // namespace f32patch
