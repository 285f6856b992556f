#pragma once
// The single thread that writes backup results. Producers hand it devices and attempts
// through a queue bounded in bytes: submit() blocks while the budget is used, so memory stays
// at workers x max_config_bytes + budget whatever the fleet size. It commits every N items or
// T ms. After a failure it stops accepting (submit() returns false) and error() says why.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/attempt_record.hpp"
#include "storage/database.hpp"
#include "storage/device_record.hpp"
#include "storage/history_pruner.hpp"
#include "storage/notification_hooks.hpp"
#include "storage/run_summary.hpp"
#include "storage/snapshot_store.hpp"

namespace nbsync::storage {

struct StorageWriterOptions {
  std::size_t queue_budget_bytes = std::size_t{4} << 20;  // an item larger than this waits for an empty queue
  std::size_t commit_every_items = 500;
  std::chrono::milliseconds commit_interval{1000};
  NotificationHooks hooks;     // outbox messages composed in the same transactions (optional)
  ComplianceHooks compliance;  // compliance checks of new versions (optional)
  int full_copy_every = SnapshotStore::k_default_full_copy_every;  // <= 1: no deltas
  RetentionPolicy retention;                                       // applied after each run
};

class StorageWriter {
public:
  // Starts the thread. From here until close() returns, only the writer uses `database`.
  StorageWriter(Database& database, StorageWriterOptions options = {});
  ~StorageWriter();  // close()
  StorageWriter(const StorageWriter&) = delete;
  StorageWriter& operator=(const StorageWriter&) = delete;

  // Synchronous: return once done and committed; std::nullopt after a failure (see error()).
  // `owner`: the collector, zone and zone cycle (collector_store.hpp); none without collectors.
  std::optional<std::int64_t> begin_run(RunOwner owner = {});
  // Retires devices not seen in the run when `inventory_complete`, then writes the totals.
  // The search index's pass after the run is the caller's (update_search_index).
  std::optional<RunSummary> finish_run(std::int64_t run_id, bool inventory_complete, std::string note = {});
  bool flush();  // true when everything submitted before it is committed

  // Asynchronous, in order, blocking while the byte budget is used. False when the writer
  // failed or is closed: the item was not taken and will not be stored.
  bool submit_devices(std::int64_t run_id, std::vector<DeviceRecord> devices);
  bool submit(std::int64_t run_id, AttemptRecord attempt);
  // A host key a worker was shown; recorded as HostKeyStore::verify would (TOFU, pending).
  bool submit_host_key(std::int64_t device_id, HostKey key, bool strict);

  // Stores what is queued, commits, joins. True when everything submitted was stored.
  bool close();

  // The failure, naming the database file and what to do; empty while all is well.
  std::optional<std::string> error() const;
  std::size_t queued_bytes() const;
  std::size_t peak_queued_bytes() const;  // never above the budget, unless one item was
  std::size_t blocked_submits() const;    // submits that had to wait for the budget

private:
  struct QueuedItem;

  bool enqueue(QueuedItem item);
  void run();
  void process(QueuedItem& item, std::size_t& batch_items);
  bool idle_index_due() const;
  void index_while_idle();
  void fail_with(const std::exception& error, std::optional<QueuedItem>& current);

  Database& m_database;
  StorageWriterOptions m_options;
  SnapshotStore m_store;

  mutable std::mutex m_mutex;
  std::condition_variable m_has_items;
  std::condition_variable m_has_space;
  std::list<QueuedItem> m_queue;
  std::size_t m_queued_bytes = 0;
  std::size_t m_peak_queued_bytes = 0;
  std::size_t m_blocked_submits = 0;
  bool m_closing = false;
  std::optional<std::string> m_error;

  // Search indexing while the queue is empty (writer thread only): devices with a new
  // version this run, and whether the common trigrams are chosen (see search_index.hpp).
  std::vector<std::int64_t> m_to_index;
  bool m_index_plan_chosen = false;
  std::size_t m_next_plan_attempt = 0;    // m_to_index size at which to try choosing again
  std::int64_t m_indexed_while_idle = 0;  // this run's, reported by finish_run()
  bool m_idle_index_failed = false;       // for the rest of this run

  std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace nbsync::storage
