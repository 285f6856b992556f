#pragma once
// The JSON shapes of storage's answers that the commands' --json output and the viewer's
// /api/ share, so that a script reads a changed device or a failing one the same way from
// both. Times are UTC ISO 8601 ("2026-12-04T17:03:12Z"), plus unix seconds where named so.
#include <nlohmann/json.hpp>

#include "storage/config_history.hpp"
#include "storage/service_status.hpp"

namespace nbsync::storage {

// {"id", "name", "site", "platform", "role", "versions", "lines_added", "lines_removed",
//  "last_change_at", "last_change_at_unix"}
nlohmann::json device_changes_json(const DeviceChanges& changes);
// {"id", "name", "site", "outcome", "message", "failing_since" (null when unknown)}
nlohmann::json failing_device_json(const FailingDevice& device);

}  // namespace nbsync::storage
