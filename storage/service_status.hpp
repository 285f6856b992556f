#pragma once
// What `nbsync status` and the daemon's metrics report from the database: the last run,
// the devices failing now (with their outcome and since when), devices out of compliance,
// and the outbox per channel. Read-only queries; cheap on 100,000 devices (indexed or
// one pass over device_states).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/collector_store.hpp"
#include "storage/database.hpp"

namespace nbsync::storage {

struct RunStatus {
  std::int64_t id = 0;
  std::int64_t started_at = 0;
  std::optional<std::int64_t> finished_at;  // none: running, or the process died
  std::optional<bool> inventory_complete;
  std::int64_t attempts = 0;
  std::int64_t changed = 0;
  std::int64_t retired = 0;
  std::string summary_json;  // outcome -> count
  std::string note;
};

struct FailingDevice {
  std::int64_t device_id = 0;
  std::string name;
  std::string site;
  std::string outcome;
  std::string message;
  std::optional<std::int64_t> failing_since;
};

struct OutboxChannelStatus {
  std::string channel;
  std::int64_t rows = 0;               // waiting to be sent
  std::int64_t oldest_created_at = 0;  // of those (0 when none waits)
  std::int64_t refused = 0;            // refused for good by the peer, kept
  std::string refused_reason;          // the peer's reason for the latest of those
};

struct ServiceStatus {
  std::optional<RunStatus> last_run;
  std::optional<RunStatus> last_finished_run;
  std::int64_t devices_known = 0;  // not retired
  std::int64_t devices_failing = 0;
  std::vector<FailingDevice> failing;  // longest failing first, at most the limit asked for
  std::int64_t devices_noncompliant = 0;
  std::vector<OutboxChannelStatus> outbox;
  std::vector<CollectorStatus> collectors;  // none without [collector]s
};

// `failing_limit` caps the list (the count is always whole). Throws DatabaseError.
ServiceStatus read_service_status(Database& database, std::size_t failing_limit);

// The runs newest first, skipping `offset` of them, at most `limit`; and how many there are.
std::vector<RunStatus> read_recent_runs(Database& database, std::size_t limit, std::size_t offset = 0);
std::int64_t count_runs(Database& database);

// One attempt of a run, as the per-run counts need it.
struct RunAttempt {
  std::int64_t device_id = 0;
  std::string outcome;
  bool changed = false;
};
// Every attempt of run `run_id`, in no particular order. Throws DatabaseError.
void visit_run_attempts(Database& database, std::int64_t run_id, const std::function<void(const RunAttempt&)>& visit);
// The attempts of run `run_id` by the devices `device_ids` only, one index lookup each: for
// a few devices of a large run. Throws DatabaseError.
void visit_run_attempts_of(Database& database, std::int64_t run_id, std::span<const std::int64_t> device_ids,
                           const std::function<void(const RunAttempt&)>& visit);
// The id of every device the database knows (retired ones too), ascending. Throws DatabaseError.
std::vector<std::int64_t> read_device_ids(Database& database);

}  // namespace nbsync::storage
