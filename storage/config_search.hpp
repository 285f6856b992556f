#pragma once
// Reads every device's latest config for `nbsync search` and `nbsync compliance`, one at a
// time (memory stays at one config whatever the fleet). Search narrows first with the
// config_search trigram index: of the devices whose latest version is indexed, only those
// whose config contains every required literal (case-insensitively) are read; devices not
// indexed yet (search_index_pending, see search_index.hpp) are always read. A search for a
// rare line reads those candidates by id (a lookup, not a walk over the fleet); one that
// has many walks the devices by name and stops at the page's end. The caller's regex
// confirms line by line. Retired devices are left out.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"
#include "storage/device_filter.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage {
namespace detail {
class CommonTrigrams;
}

struct LatestConfig {
  DeviceRecord device;
  std::int64_t snapshot_id = 0;
  std::int64_t taken_at = 0;
  std::string text;
};

struct ConfigScan {
  std::int64_t devices_read = 0;  // configs read and handed to the visitor
  bool narrowed = false;          // the index was used (false: every config was read)
};

class ConfigSearch {
public:
  // Up to `few_candidates` candidates (the index's and the devices not indexed yet) are
  // read by id and sorted by name; more (a line most configs have) are found walking the
  // devices by name, which stops at the visitor's last wanted match.
  static constexpr std::int64_t k_few_candidates = 2000;
  explicit ConfigSearch(Database& database, std::int64_t few_candidates = k_few_candidates);

  // Visits the latest config of each device matching `filter` (by name) whose text holds
  // every string of `required_literals`; literals shorter than 3 bytes cannot narrow and
  // are ignored. The visitor returns false to stop. `wanted`, when given, picks the
  // devices whose config is read at all (the others are skipped unread). Throws
  // DatabaseError naming the file.
  ConfigScan scan(const std::vector<std::string>& required_literals, const DeviceFilter& filter,
                  const std::function<bool(const LatestConfig&)>& visit,
                  const std::function<bool(const DeviceRecord&)>& wanted = {});

  // The FTS5 query for `required_literals` ("" when they cannot narrow), leaving out the
  // trigrams the index does not hold (`common`): exposed for tests.
  static std::string match_expression(const std::vector<std::string>& required_literals,
                                      const detail::CommonTrigrams& common);

private:
  Database& m_database;
  std::int64_t m_few_candidates;
};

}  // namespace nbsync::storage
