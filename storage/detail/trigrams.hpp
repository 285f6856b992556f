#pragma once
// Trigrams as config_search indexes them: three bytes within one line, ASCII letters
// folded to lower case, kept as a 24-bit key. And the common trigrams the index leaves
// out: those that at least half of a sample of the fleet's configs hold. Such a trigram
// cannot narrow a search by much, and together they are most of what a config holds (on
// the lab's 10,000 devices, 1,868 of the 4,842 distinct trigrams, and 73 % of the distinct
// trigrams of an average config), so leaving them out makes keeping the index several
// times cheaper. A trigram left out of the documents must be left out of the queries too,
// so the set is chosen once (search_index.cpp) and kept in the search_index_plan table.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nbsync::storage::detail {

// The key of the three bytes at `text` (case folded).
std::uint32_t trigram_key(const char* text);

// Calls `visit(key, offset)` once for each distinct trigram of `text`, at its first
// occurrence, and stops when `visit` returns false. Not reentrant within one thread.
void for_each_distinct_trigram(std::string_view text, const std::function<bool(std::uint32_t, std::size_t)>& visit);

class CommonTrigrams {
public:
  bool contains(std::uint32_t key) const;
  bool empty() const { return m_keys.empty(); }
  std::size_t size() const { return m_keys.size(); }

  // Three bytes per trigram, in key order: how search_index_plan stores the set.
  std::string packed() const;
  static CommonTrigrams unpack(std::string_view packed);
  static CommonTrigrams of_keys(std::vector<std::uint32_t> keys);

private:
  std::vector<std::uint32_t> m_keys;        // sorted
  std::vector<std::uint64_t> m_ascii_bits;  // the ASCII ones again, as a bit table
};

// Counts in how many configs of a sample each trigram appears, one config at a time.
class CommonTrigramCounter {
public:
  void add(std::string_view config);
  std::size_t configs() const { return m_configs; }
  // The trigrams at least half of the configs added hold.
  CommonTrigrams common() const;

private:
  std::unordered_map<std::uint32_t, std::uint32_t> m_configs_holding;
  std::size_t m_configs = 0;
};

}  // namespace nbsync::storage::detail
