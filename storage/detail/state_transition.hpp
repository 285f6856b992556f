#pragma once
// A device's state after one attempt, from its state before and what the attempt stored:
// a pure function, so the rules (failing since when, last success, last change, which
// compliance verdict stands) read in one place and are tested without a database.
#include <cstdint>
#include <optional>

#include "storage/attempt_record.hpp"
#include "storage/notification_hooks.hpp"
#include "storage/snapshot_store.hpp"

namespace nbsync::storage::detail {

// `before` is none on a device's first attempt. `compliance_on`: rules are in use (or
// paused), so the device keeps a verdict.
DeviceState next_state(const std::optional<DeviceState>& before, const AttemptRecord& attempt,
                       const RecordedAttempt& recorded, std::int64_t now, bool compliance_on);

}  // namespace nbsync::storage::detail
