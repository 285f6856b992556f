#include "storage/detail/trigram_array.hpp"

namespace nbsync::storage::detail {
namespace {

void append_key(std::string& array, std::uint32_t key) {
  if (array.size() > 1) {
    array.push_back(',');
  }
  array.append(std::to_string(key));
}

}  // namespace

std::string trigram_array(std::string_view config, const CommonTrigrams& common) {
  std::string array = "{";
  for_each_distinct_trigram(config, [&](std::uint32_t key, std::size_t) {
    if (!common.contains(key)) {
      append_key(array, key);
    }
    return true;
  });
  array.push_back('}');
  return array;
}

std::string trigram_array(const std::set<std::uint32_t>& keys) {
  std::string array = "{";
  for (const std::uint32_t key : keys) {
    append_key(array, key);
  }
  array.push_back('}');
  return array;
}

}  // namespace nbsync::storage::detail
