#pragma once
// Deterministic pseudo-randomness for the simulated devices: everything a device shows
// (config, secrets, faults chosen by the mix) is a pure function of (seed, device id, ...),
// so two labs started with the same seed behave the same. Not for cryptography.
#include <cstdint>
#include <initializer_list>
#include <string>

namespace nbsync::lab::detail {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A hash of several integers; order matters.
inline std::uint64_t mix(std::initializer_list<std::uint64_t> values) {
  std::uint64_t h = 0x6a09e667f3bcc909ULL;
  for (const auto v : values) {
    h = splitmix64(h ^ splitmix64(v));
  }
  return h;
}

// Uniform in [0, 1) from a hash.
inline double unit(std::uint64_t h) {
  return static_cast<double>(h >> 11) * 0x1.0p-53;
}

class Rng {
public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}
  std::uint64_t next() {
    m_state += 0x9e3779b97f4a7c15ULL;
    return splitmix64(m_state);
  }
  // Uniform in [0, n); n > 0.
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  int range(int lo, int hi) { return lo + static_cast<int>(below(static_cast<std::uint64_t>(hi - lo + 1))); }
  double uniform() { return unit(next()); }
  bool chance(double p) { return uniform() < p; }
  // Lower-case letters and digits.
  std::string word(std::size_t length) {
    static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    s.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
      s.push_back(k_chars[below(sizeof(k_chars) - 1)]);
    }
    return s;
  }
  // Characters of crypt-style hashes: [./0-9A-Za-z].
  std::string crypt_chars(std::size_t length) {
    static constexpr char k_chars[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    std::string s;
    s.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
      s.push_back(k_chars[below(sizeof(k_chars) - 1)]);
    }
    return s;
  }
  std::string hex(std::size_t length) {
    static constexpr char k_chars[] = "0123456789ABCDEF";
    std::string s;
    s.reserve(length);
    for (std::size_t i = 0; i < length; ++i) {
      s.push_back(k_chars[below(16)]);
    }
    return s;
  }

private:
  std::uint64_t m_state;
};

}  // namespace nbsync::lab::detail
