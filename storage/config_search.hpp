#pragma once
// Reads every device's latest config for `nbsync search` and `nbsync compliance`, one at a
// time (memory stays at one config whatever the fleet). Search narrows first with the
// config_search trigram index: of the devices whose latest version is indexed, only those
// whose config contains every required literal (case-insensitively) are read; devices not
// indexed yet (see search_index.hpp) are always read. The caller's regex confirms line by
// line. Retired devices are left out.
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
  explicit ConfigSearch(Database& database);

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
};

}  // namespace nbsync::storage
