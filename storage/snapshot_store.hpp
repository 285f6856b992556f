#pragma once
// Runs, device attempts, the devices mirror and config snapshots in one Database. A device
// gets a new snapshot only when the SHA-256 of its config differs from its latest one;
// each distinct text is stored once (zstd). A version that differs from the one before only
// in the key its masked secrets were tagged under (a new key, or the first keyed backup)
// is stored as "rekeyed" and reported as unchanged. Writes are batched in one transaction that
// commits every `commit_every` attempts, on commit(), and in begin_run()/finish_run(); a
// crash loses at most the uncommitted batch. Works on SQLite and PostgreSQL alike (the
// statement layer, detail/sql_connection.hpp). Not thread-safe: one thread uses a store.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

#include "storage/attempt_record.hpp"
#include "storage/compliance_hooks.hpp"
#include "storage/database.hpp"
#include "storage/device_record.hpp"
#include "storage/host_key_store.hpp"
#include "storage/notification_hooks.hpp"
#include "storage/run_owner.hpp"
#include "storage/run_summary.hpp"

namespace nbsync::storage {

namespace detail {
class BlobWrites;
class ComplianceWrites;
class SqlConnection;
struct AttemptEvent;
}  // namespace detail

// One stored version of a device's config (a row of snapshots).
struct SnapshotInfo {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::int64_t run_id = 0;
  std::int64_t taken_at = 0;  // unix seconds, UTC
  std::string sha256;
  std::int64_t size = 0;
  std::int64_t line_count = 0;
  std::int64_t lines_added = 0;  // versus the previous snapshot; the first counts every line
  std::int64_t lines_removed = 0;
  std::string mask_key;  // id of the key its secrets were tagged under; "" for "<removed>"
  bool rekeyed = false;  // differs from the version before only in that key: not a change
};

// What record_attempt() did with an attempt.
struct RecordedAttempt {
  bool changed = false;  // a new snapshot was stored
  std::optional<std::int64_t> snapshot_id;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  std::string sha256;                               // of the config (ok attempts), changed or not
  std::string diff_excerpt;                         // versus the previous version, when changed and hooks want it
  std::optional<std::int64_t> current_snapshot_id;  // the device's latest snapshot (ok attempts)
  std::optional<std::string> compliance;            // compliance_summary(), when it was evaluated
};

class SnapshotStore {
public:
  static constexpr std::size_t k_default_commit_every = 500;
  static constexpr int k_default_full_copy_every = 10;

  // `commit_every` = 0 commits only when asked. `full_copy_every` <= 1 stores every
  // version as a full copy; N > 1 stores deltas with a full copy every N versions (see
  // detail/blob_writes.hpp). The store keeps `database` by reference.
  explicit SnapshotStore(Database& database, std::size_t commit_every = k_default_commit_every,
                         int full_copy_every = k_default_full_copy_every);
  // Rolls back what was not committed.
  ~SnapshotStore();
  SnapshotStore(const SnapshotStore&) = delete;
  SnapshotStore& operator=(const SnapshotStore&) = delete;

  // Every method below throws DatabaseError naming the database on failure, after rolling back
  // the uncommitted batch (uncommitted_attempts() just before says how much that was).

  // Commits pending work, then the new run row; returns its id. Runs that died before
  // finish_run get their Slack message now, from what they committed.
  // `owner`: the collector, zone and zone cycle the run works in (none without collectors).
  std::int64_t begin_run(const RunOwner& owner = {});
  // Mirrors the inventory: inserts new devices, updates known ones, sets last_seen and
  // un-retires a device that came back.
  void upsert_devices(std::int64_t run_id, std::span<const DeviceRecord> devices);
  // Records the attempt; for an ok attempt stores a snapshot when the config changed.
  RecordedAttempt record_attempt(std::int64_t run_id, const AttemptRecord& attempt);
  // From now on every recorded attempt updates the device's state and asks `hooks` which
  // messages to put in the outbox, in the same transaction; finish_run asks for the run's.
  void set_notification_hooks(NotificationHooks hooks) { m_hooks = std::move(hooks); }
  // From now on every ok attempt whose version has no results for these rules yet is
  // checked, and the results are stored with the snapshot and in the device's state.
  void set_compliance_hooks(ComplianceHooks hooks) { m_compliance_hooks = std::move(hooks); }

  // Records a host key a worker was shown (see HostKeyStore::verify), in the batch.
  void record_host_key(std::int64_t device_id, const HostKey& presented, bool strict);
  // Marks devices not upserted in `run_id` as retired; returns how many. Call only when the
  // inventory of this run was read whole.
  std::int64_t retire_missing(std::int64_t run_id);
  // Writes the run's totals and end time, and commits everything pending.
  RunSummary finish_run(std::int64_t run_id, bool inventory_complete, std::string_view note = {});

  void commit();
  void rollback();
  std::size_t uncommitted_attempts() const { return m_uncommitted_attempts; }

  // Reads (they see this store's uncommitted writes too).
  std::optional<SnapshotInfo> latest_snapshot(std::int64_t device_id);
  std::optional<std::string> latest_config(std::int64_t device_id);
  std::string config_by_hash(const std::string& sha256);

private:
  void ensure_transaction();
  RecordedAttempt store_config(std::int64_t run_id, const AttemptRecord& attempt, std::int64_t now);
  [[noreturn]] void fail(std::string_view doing, const std::exception& error);

  detail::SqlConnection& m_sql;
  std::size_t m_commit_every;
  std::size_t m_uncommitted_attempts = 0;
  std::unique_ptr<detail::HostKeyWrites> m_host_keys;
  std::unique_ptr<detail::BlobWrites> m_blobs;
  std::unique_ptr<detail::ComplianceWrites> m_compliance;
  NotificationHooks m_hooks;
  std::set<std::int64_t> m_zone_runs;  // runs begun here in a zone's cycle (collectors): they hold claims
  ComplianceHooks m_compliance_hooks;

  // Updates the device's state and queues its notifications; returns what the attempt meant.
  detail::AttemptEvent update_state(std::int64_t run_id, const AttemptRecord& attempt, const RecordedAttempt& recorded,
                                    std::int64_t now);
  RunSummary run_summary(std::int64_t run_id);
  // {"outcome": count, ...} of the run's attempts, keys in order (runs.summary).
  std::string outcome_counts_json(std::int64_t run_id);
  std::optional<DeviceState> state_before(std::int64_t device_id, std::string& device_name);
  // Composes the run's Slack message from its stored attempts and marks it reported.
  void report_run(std::int64_t run_id, const RunSummary& totals, bool interrupted);
  void report_interrupted_runs(std::int64_t current_run);
  // A zone's run: closes the zone's cycle when no claim is left and sends the one summary
  // of all its runs. False when the run is no collector's (report it alone).
  bool report_zone_cycle(std::int64_t run_id);
  void insert_outbox(const OutboxRow& row, std::int64_t now);
  void check_compliance(std::int64_t device_id, const std::string& config, RecordedAttempt& recorded, std::int64_t now);
};

}  // namespace nbsync::storage
