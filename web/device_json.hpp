#pragma once
// The JSON twin of the device pages (/api/devices/...): the same facts for scripts. Times
// are unix seconds plus UTC ISO 8601 strings.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "storage/config_history.hpp"
#include "storage/device_status.hpp"
#include "web/history_source.hpp"

namespace nbsync::web {

nlohmann::json device_json(const storage::DeviceStatus& device);
nlohmann::json version_json(const storage::ConfigVersion& version);
// With `details`, each version also has its "compliance" results (when checked).
nlohmann::json versions_json(const std::vector<storage::ConfigVersion>& versions,
                             const DeviceDetails* details = nullptr);
nlohmann::json host_keys_json(const storage::HostKeyState& keys);
nlohmann::json diff_json(const storage::ConfigDiff& diff);

}  // namespace nbsync::web
