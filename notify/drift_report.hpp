#pragma once
// What NetBox learns of a device's drift from its intended config: the nbsync_drift custom
// field ("in sync", "N lines differ", "no template") when it changes, and a journal entry
// when the device starts drifting (warning) or comes back in sync (success); its first
// verdict gets none (as a first backup is no change). The rows go
// to the outbox in the transaction that stores the verdict.
#include <cstdint>
#include <string>
#include <vector>

#include "storage/drift_store.hpp"
#include "storage/notification_hooks.hpp"

namespace nbsync::notify {

std::string drift_field_value(const storage::DriftVerdict& verdict);

// `before` is the field value NetBox was last given ("" when none).
std::vector<storage::OutboxRow> drift_rows(std::int64_t device_id, std::int64_t run_id, const std::string& before,
                                           const storage::DriftVerdict& after);

}  // namespace nbsync::notify
