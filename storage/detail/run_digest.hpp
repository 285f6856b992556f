#pragma once
// What one attempt means for the run's Slack message (a config change; a device that
// started failing or recovered), decided from the device's state before and after; and a
// run's digest read back from the attempts stored for it, so that the message says what
// the database holds, also for a run whose process died before it could finish.
#include <cstdint>
#include <string>

#include "storage/detail/sql_connection.hpp"
#include "storage/notification_hooks.hpp"

namespace nbsync::storage::detail {

struct AttemptEvent {
  bool config_change = false;  // a new version of a config stored before (a first backup is not a change)
  std::string transition;      // "", "failing" or "recovered" (attempts.event)
  std::string detail;          // "timeout: ..." for failing, the previous status for recovered
};

// Pure: the event of one state change.
AttemptEvent attempt_event(const StateChange& change);

// The digest of `run_id` from its attempts as this connection sees them (either backend).
RunDigest read_run_digest(SqlConnection& sql, std::int64_t run_id);
// The digest of every run of a zone's cycle (collectors): zone, zone_cycle set; run_id 0.
RunDigest read_zone_cycle_digest(SqlConnection& sql, const std::string& zone, std::int64_t cycle);

}  // namespace nbsync::storage::detail
