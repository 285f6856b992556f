#pragma once
// What the writer tells the notifier, inside the transaction that records an attempt or
// finishes a run, so that every message about a change is stored atomically with the
// change itself (the outbox). Storage keeps each device's state and an opaque "notified"
// text for the notifier (what NetBox was last told); it never knows NetBox or Slack.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/run_summary.hpp"
#include "types/outcome_kind.hpp"

namespace nbsync::storage {

struct DeviceState {
  OutcomeKind status = OutcomeKind::ok;  // outcome of the latest attempt
  std::string message;                   // its message ("" when ok)
  std::string config_sha256;             // latest stored version ("" when none)
  std::optional<std::int64_t> failing_since;
  std::optional<std::int64_t> last_success_at;
  std::optional<std::int64_t> last_change_at;
  std::string notified;  // the notifier's own record (what NetBox was last told)
  std::optional<std::int64_t> notified_at;
  std::string compliance;  // compliance_summary() of the latest checked version ("" when none)
  std::string drift;       // the drift check's latest verdict, as NetBox shows it ("" when none)
};

struct StateChange {
  std::int64_t device_id = 0;
  std::string device_name;
  std::int64_t run_id = 0;
  std::int64_t at = 0;                // unix seconds
  std::optional<DeviceState> before;  // none on a device's first attempt
  DeviceState after;
  bool config_changed = false;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  std::string diff_excerpt;  // a unified diff of the change, capped (config_changed only)
  // What the peer shows for this device right now (the notifier's own text, read from
  // NetBox during the walk); none when it was not read. The notifier converges it.
  std::optional<std::string> shown;
};

struct OutboxRow {
  std::string channel;  // "netbox" or "slack:<webhook name>"
  std::string kind;     // "device_fields", "journal", "message"
  std::optional<std::int64_t> device_id;
  std::string payload;     // JSON
  std::string dedupe_key;  // identifies the message if a retry must check it did not arrive
};

struct DeviceNotification {
  std::vector<OutboxRow> rows;
  std::optional<std::string> notified;  // replaces DeviceState::notified when set
};

// Devices that changed, started failing or recovered in one run: counts and the first few.
struct RunDigest {
  struct Group {
    std::int64_t count = 0;
    std::vector<std::pair<std::int64_t, std::string>> examples;  // (id, name), at most k_examples
    std::vector<std::string> details;                            // one short line per example
  };
  static constexpr std::size_t k_examples = 10;
  // Devices that started failing because the jump host in front of them failed: one entry
  // per bastion (they are not in started_failing).
  struct JumpHostFailure {
    std::string name;
    std::int64_t devices = 0;
    std::string detail;  // "kind: what the bastion did", from the first device's attempt
  };
  std::int64_t run_id = 0;  // 0 for a zone's cycle
  // Collectors: the zone and its cycle the digest covers (every collector's run in it), and
  // how many collectors took part. Empty/none without collectors.
  std::string zone;
  std::optional<std::int64_t> zone_cycle;
  std::int64_t collectors = 0;
  RunSummary totals;
  Group changed, started_failing, recovered;
  std::vector<JumpHostFailure> failing_jump_hosts;
  std::int64_t still_failing = 0;
  bool interrupted = false;  // the run's process died before it finished; told by the next run
};

struct NotificationHooks {
  std::function<DeviceNotification(const StateChange&)> on_device;
  std::function<std::vector<OutboxRow>(const RunDigest&)> on_run;
};

}  // namespace nbsync::storage
