#pragma once
// The device ids a NetBox walk has seen (offset paging shows a device twice when the list
// shifts under it). NetBox ids are small positive integers, so most go into a bit per id:
// 12 KB for 100,000 devices, where a hash set takes about 4 MB; any other id goes into a
// hash set.
#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace nbsync::inventory::detail {

class SeenIds {
public:
  // True when `id` was not seen before.
  bool insert(std::int64_t id) {
    if (id <= 0 || id >= k_bitmap_ids) {
      return m_other.insert(id).second;
    }
    const auto index = static_cast<std::size_t>(id);
    if (index / 64 >= m_bits.size()) {
      m_bits.resize(index / 64 + 1, 0);
    }
    const std::uint64_t bit = std::uint64_t{1} << (index % 64);
    if ((m_bits[index / 64] & bit) != 0) {
      return false;
    }
    m_bits[index / 64] |= bit;
    return true;
  }

private:
  static constexpr std::int64_t k_bitmap_ids = std::int64_t{1} << 26;  // at most 8 MiB of bits
  std::vector<std::uint64_t> m_bits;
  std::unordered_set<std::int64_t> m_other;
};

}  // namespace nbsync::inventory::detail
