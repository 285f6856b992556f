#include "storage/detail/trigrams.hpp"

#include <algorithm>
#include <array>
#include <unordered_set>

namespace nbsync::storage::detail {
namespace {

// Printable configs are mostly ASCII: an ASCII trigram has a place of its own in a
// 2^21-bit table (7 bits per byte), so looking it up is one bit test.
bool is_ascii(std::uint32_t key) {
  return (key & 0x808080U) == 0;
}

std::uint32_t ascii_slot(std::uint32_t key) {
  return ((key >> 2) & 0x1fc000U) | ((key >> 1) & 0x3f80U) | (key & 0x7fU);
}

constexpr std::size_t k_ascii_words = (std::size_t{1} << 21) / 64;  // 256 KiB of bits

bool test_bit(const std::vector<std::uint64_t>& bits, std::uint32_t slot) {
  return ((bits[slot >> 6] >> (slot & 63)) & 1U) != 0;
}

// The trigrams a document gave so far: ASCII ones in the bit table, cleared word by word
// through the list of words used; the rest in a hash set. One per thread.
class SeenTrigrams {
public:
  // True when `key` was not in the set yet.
  bool insert(std::uint32_t key) {
    // Most trigrams of a config repeat soon after: a small table of recent keys, in the
    // first-level cache, answers those before the bit table (256 KiB) is touched.
    std::uint32_t& recent = m_recent[(key * 2654435761U) >> (32 - k_recent_bits)];
    if (recent == key) {
      return false;
    }
    recent = key;
    if (!is_ascii(key)) {
      return m_other.insert(key).second;
    }
    const std::uint32_t slot = ascii_slot(key);
    std::uint64_t& word = m_bits[slot >> 6];
    const std::uint64_t bit = std::uint64_t{1} << (slot & 63);
    if ((word & bit) != 0) {
      return false;
    }
    if (word == 0) {
      m_used_words.push_back(slot >> 6);
    }
    word |= bit;
    return true;
  }

  void clear() {
    m_recent.fill(k_no_key);
    for (const std::uint32_t index : m_used_words) {
      m_bits[index] = 0;
    }
    m_used_words.clear();
    m_other.clear();
  }

private:
  static constexpr int k_recent_bits = 12;
  static constexpr std::uint32_t k_no_key = 0xffffffffU;  // keys have 24 bits
  std::array<std::uint32_t, std::size_t{1} << k_recent_bits> m_recent = make_empty_recent();
  static std::array<std::uint32_t, std::size_t{1} << k_recent_bits> make_empty_recent() {
    std::array<std::uint32_t, std::size_t{1} << k_recent_bits> recent{};
    recent.fill(k_no_key);
    return recent;
  }
  std::vector<std::uint64_t> m_bits = std::vector<std::uint64_t>(k_ascii_words, 0);
  std::vector<std::uint32_t> m_used_words;
  std::unordered_set<std::uint32_t> m_other;
};

// Clears the set however the visit ends (a visitor may throw).
class SeenScope {
public:
  SeenScope() {
    thread_local SeenTrigrams seen;
    m_seen = &seen;
  }
  ~SeenScope() { m_seen->clear(); }
  SeenScope(const SeenScope&) = delete;
  SeenScope& operator=(const SeenScope&) = delete;
  SeenTrigrams& operator*() { return *m_seen; }

private:
  SeenTrigrams* m_seen;
};

std::uint32_t fold(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 'A' && u <= 'Z' ? u + ('a' - 'A') : u;
}

}  // namespace

std::uint32_t trigram_key(const char* text) {
  return (fold(text[0]) << 16) | (fold(text[1]) << 8) | fold(text[2]);
}

void for_each_distinct_trigram(std::string_view text, const std::function<bool(std::uint32_t, std::size_t)>& visit) {
  SeenScope seen;
  // The key rolls along the text, a byte at a time; a line break starts it over (a
  // trigram never spans lines: search matches line by line).
  std::uint32_t key = 0;
  std::size_t line_bytes = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      line_bytes = 0;
      continue;
    }
    key = ((key << 8) | fold(text[i])) & 0xffffffU;
    if (++line_bytes >= 3 && (*seen).insert(key) && !visit(key, i - 2)) {
      return;
    }
  }
}

bool CommonTrigrams::contains(std::uint32_t key) const {
  if (m_keys.empty()) {
    return false;
  }
  if (is_ascii(key)) {
    return test_bit(m_ascii_bits, ascii_slot(key));
  }
  return std::binary_search(m_keys.begin(), m_keys.end(), key);
}

std::string CommonTrigrams::packed() const {
  std::string out;
  out.reserve(m_keys.size() * 3);
  for (const std::uint32_t key : m_keys) {
    out.push_back(static_cast<char>(key >> 16));
    out.push_back(static_cast<char>(key >> 8));
    out.push_back(static_cast<char>(key));
  }
  return out;
}

CommonTrigrams CommonTrigrams::unpack(std::string_view packed) {
  std::vector<std::uint32_t> keys;
  keys.reserve(packed.size() / 3);
  for (std::size_t i = 0; i + 3 <= packed.size(); i += 3) {
    keys.push_back((static_cast<std::uint32_t>(static_cast<unsigned char>(packed[i])) << 16) |
                   (static_cast<std::uint32_t>(static_cast<unsigned char>(packed[i + 1])) << 8) |
                   static_cast<unsigned char>(packed[i + 2]));
  }
  return of_keys(std::move(keys));
}

CommonTrigrams CommonTrigrams::of_keys(std::vector<std::uint32_t> keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  CommonTrigrams common;
  common.m_keys = std::move(keys);
  if (!common.m_keys.empty()) {
    common.m_ascii_bits.assign(k_ascii_words, 0);
    for (const std::uint32_t key : common.m_keys) {
      if (is_ascii(key)) {
        common.m_ascii_bits[ascii_slot(key) >> 6] |= std::uint64_t{1} << (ascii_slot(key) & 63);
      }
    }
  }
  return common;
}

void CommonTrigramCounter::add(std::string_view config) {
  for_each_distinct_trigram(config, [this](std::uint32_t key, std::size_t) {
    ++m_configs_holding[key];
    return true;
  });
  ++m_configs;
}

CommonTrigrams CommonTrigramCounter::common() const {
  std::vector<std::uint32_t> keys;
  for (const auto& [key, holding] : m_configs_holding) {
    if (m_configs > 0 && holding * 2 >= m_configs) {
      keys.push_back(key);
    }
  }
  return CommonTrigrams::of_keys(std::move(keys));
}

}  // namespace nbsync::storage::detail
