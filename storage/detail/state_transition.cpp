#include "storage/detail/state_transition.hpp"

namespace nbsync::storage::detail {

DeviceState next_state(const std::optional<DeviceState>& before, const AttemptRecord& attempt,
                       const RecordedAttempt& recorded, std::int64_t now, bool compliance_on) {
  const DeviceState previous = before.value_or(DeviceState{});
  const bool ok = attempt.outcome == OutcomeKind::ok;
  DeviceState after;
  after.status = attempt.outcome;
  after.message = ok ? "" : attempt.message;
  after.config_sha256 = recorded.sha256.empty() ? previous.config_sha256 : recorded.sha256;
  after.last_success_at = ok ? std::optional<std::int64_t>(now) : previous.last_success_at;
  after.last_change_at = recorded.changed ? std::optional<std::int64_t>(now) : previous.last_change_at;
  if (is_failure(after.status)) {
    const bool still_failing = before && is_failure(previous.status) && previous.failing_since;
    after.failing_since = still_failing ? previous.failing_since : std::optional<std::int64_t>(now);
  }
  after.notified = previous.notified;
  after.notified_at = previous.notified_at;
  after.drift = previous.drift;  // the drift check (after the run) sets it
  after.compliance = compliance_on ? recorded.compliance.value_or(previous.compliance) : "";
  return after;
}

}  // namespace nbsync::storage::detail
