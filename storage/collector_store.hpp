#pragma once
// Collectors sharing one database ([collector] in the config). Every collector keeps a row
// alive (its heartbeat); collectors of one zone (the same NetBox filters) share the zone's
// numbered cycles. In a cycle each device of the zone is claimed by one collector: the
// first to claim it backs it up, its attempt marks the claim done (in the writer's
// transaction, snapshot_store.cpp). A collector whose heartbeat is older than its lease is
// dead: its undone claims go to whoever takes them over. The cycle closes once every claim
// is done; the collector that closes it sends the zone's one summary (finish_run).
//
// Times are the database's clock, so collectors on boxes whose clocks differ agree. On
// PostgreSQL a take-over skips rows another collector is taking (FOR UPDATE SKIP LOCKED).
// Not thread-safe: one thread uses a store (each opens its own Database).
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace nbsync::storage {

namespace detail {
class SqlConnection;
}

struct CollectorIdentity {
  std::string name;          // [collector] name, unique among the database's collectors
  std::string zone;          // the zone it backs up
  std::string zone_filters;  // the NetBox filters that make the zone, as `status` shows them
  std::string host;          // "host:pid", for `status`
  std::chrono::seconds lease{60};
};

struct ZoneCycle {
  std::int64_t number = 0;
  std::int64_t opened_at = 0;  // unix seconds, the database's clock
  std::string opened_by;
};

// Where a collector stands at the start of its cycle.
struct ZoneCycleEntry {
  std::optional<ZoneCycle> cycle;  // the cycle to work in (opened now, or joined)
  // No cycle: the zone's latest one is closed and its interval has not passed yet.
  std::optional<ZoneCycle> done;
  std::int64_t next_at = 0;  // when the next one opens (unix seconds)
  std::int64_t now = 0;      // the database's clock as it answered
};

// What is left of a cycle for a collector that finished its own share.
struct ClaimsLeft {
  std::vector<std::int64_t> taken;  // devices taken over now (released, or a dead collector's)
  std::int64_t held_by_others = 0;  // undone claims of live collectors
};

struct CollectorStatus {
  std::string name;
  std::string zone;
  std::string zone_filters;
  std::string host;
  std::int64_t started_at = 0;
  std::int64_t heartbeat_at = 0;
  std::int64_t lease_seconds = 0;
  bool alive = false;  // heartbeat within its lease, by the database's clock
  std::optional<std::int64_t> last_run;
  std::optional<std::int64_t> last_run_started_at;
  std::optional<std::int64_t> last_run_finished_at;
  std::int64_t last_run_attempts = 0;
  std::optional<std::int64_t> last_zone_cycle;
};

class CollectorStore {
public:
  explicit CollectorStore(Database& database);

  // Every method throws DatabaseError naming the database.

  // Registers the collector or renews its heartbeat.
  void heartbeat(const CollectorIdentity& me);
  // The zone's cycle to work in. A cycle still open within `interval` of its opening is
  // joined; one older is closed as abandoned and a new one opened. When the latest is closed
  // and `interval` has not passed since it opened, `wait_for_interval` (the daemon) waits
  // for the next (entry.cycle empty); otherwise (`run --once`) a new one opens.
  ZoneCycleEntry enter_cycle(const CollectorIdentity& me, std::chrono::seconds interval, bool wait_for_interval);
  // Claims for run `run_id` those of `device_ids` nobody claimed yet in this cycle; returns
  // the ones claimed, in the order given. (Claims left free, by a dead collector or
  // released, are for take_what_is_left.)
  std::vector<std::int64_t> claim(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id,
                                  std::span<const std::int64_t> device_ids);
  // Takes over (for `run_id`) at most `limit` undone claims nobody live holds, and counts
  // the ones live collectors still hold.
  ClaimsLeft take_what_is_left(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id, std::size_t limit);
  // The run's claims it will not finish (nbsync stopping, a device not backed up) are
  // released: another collector of the zone takes them. Returns how many.
  std::int64_t release(std::int64_t run_id);
  // One device's claim the run gives up now (nbsync could not back it up: out of file
  // descriptors, the database gone for its host key). Another run takes it, never this one.
  void release(std::int64_t run_id, std::int64_t device_id);
  // Claims of devices NetBox no longer lists (taken over, then not found): done, no attempt.
  void mark_done(std::int64_t run_id, std::span<const std::int64_t> device_ids);
  // A collector's zone cycle, read back (tests, status).
  std::optional<ZoneCycle> latest_cycle(const std::string& zone);

private:
  void claim_batch(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id,
                   std::span<const std::int64_t> device_ids, std::int64_t now, std::vector<std::int64_t>& claimed);

  detail::SqlConnection& m_sql;
};

// Every collector the database knows, by name, with its last run. Throws DatabaseError.
std::vector<CollectorStatus> read_collectors(Database& database);

}  // namespace nbsync::storage
