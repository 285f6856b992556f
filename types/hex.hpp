#pragma once
// Bytes as lowercase hexadecimal, two digits each. Header-only.
#include <cstddef>
#include <string>

namespace nbsync {

inline std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    hex.push_back(k_digits[bytes[i] >> 4]);
    hex.push_back(k_digits[bytes[i] & 0xf]);
  }
  return hex;
}

}  // namespace nbsync
