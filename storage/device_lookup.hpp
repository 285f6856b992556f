#pragma once
// Finds devices in the inventory mirror the way a user names them on the command line:
// by NetBox name (exactly as NetBox shows it) or by NetBox id. Names can repeat across
// sites, so a lookup returns every match and the caller says which to pick.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace nbsync::storage {

struct DeviceMatch {
  std::int64_t id = 0;
  std::string name;
  std::string site;
  bool retired = false;
};

std::vector<DeviceMatch> find_devices(Database& database, std::string_view name_or_id);

}  // namespace nbsync::storage
