#pragma once
// One device as the viewer shows it: what the inventory mirror knows of it and its backup
// state (the latest outcome and its message, since when it fails, its last success and
// change). Looked up by NetBox id only, as links from NetBox name devices. Read-only.
#include <cstdint>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "storage/device_lookup.hpp"

namespace nbsync::storage {

struct DeviceStatus {
  DeviceMatch device;  // id, name, site, retired
  std::string platform;
  std::string outcome;                        // of the latest attempt: "ok", "connect", ...; empty: never attempted
  std::string message;                        // why it failed, empty when ok
  std::optional<std::int64_t> failing_since;  // unix seconds
  std::optional<std::int64_t> last_success_at;
  std::optional<std::int64_t> last_change_at;
};

// The device with NetBox id `device_id`, or nullopt when nbsync never saw it. Throws
// DatabaseError naming the file.
std::optional<DeviceStatus> read_device_status(Database& database, std::int64_t device_id);

}  // namespace nbsync::storage
