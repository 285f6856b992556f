#pragma once
// One backup cycle, step by step: open the run, stream NetBox's inventory page by page
// (each device's scope decided as it arrives), back up the in-scope ones through the
// worker pool, store each result through the single writer, close the run (retiring
// devices gone from NetBox only when the inventory was read whole), and deliver what the
// run put in the outbox to NetBox and Slack. Device failures are outcomes, not errors; a
// setup or storage failure throws CycleError (a config problem ConfigError) with one line.
#include <functional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <vector>

#include "backup/scope_limiter.hpp"
#include "config/config.hpp"
#include "daemon/backup_now_queue.hpp"
#include "daemon/cycle_summary.hpp"
#include "notify/outbox_sender.hpp"
#include "storage/notification_hooks.hpp"
#include "types/user_error.hpp"

namespace nbsync::daemon {

class CycleError : public UserError {
public:
  explicit CycleError(const std::string& message) : UserError(message, k_exit_failed) {}
};

struct CycleOptions {
  bool show_progress = false;    // a progress line on stderr (a terminal)
  bool log_each_failure = true;  // one log line per failed device
  std::stop_token stop;          // requested: take no new devices, read no more of NetBox
  // Set after the shutdown grace: SSH reads in flight give up and are not recorded.
  std::stop_token abandon;
  // Called from worker threads as each device ends (metrics): its outcome and bytes read.
  std::function<void(OutcomeKind, std::size_t bytes_read)> on_device;
  // Called once the backups ended: each limit's, jump host's and site's state (metrics).
  std::function<void(const std::vector<backup::ScopeLimitState>&)> on_scopes;
  // Not empty: a run of just these NetBox devices ("back up now"); it retires no device
  // and its note says so.
  std::vector<std::int64_t> only_devices;
  // Called (worker or walk thread) as each device's end is recorded: outbox rows to write
  // with that attempt, ahead of its own (the end of a "back up now" request).
  std::function<std::vector<storage::OutboxRow>(std::int64_t device_id, OutcomeKind, const std::string& message)>
      outbox_rows_for;
  // Called once the run is stored, before the outbox is delivered.
  std::function<void()> before_delivery;
  // The service's "back up now" queue: requests that arrive while the cycle runs go ahead
  // of its queue (daemon/cycle_backup_now.hpp). Null: they wait for the cycle's end.
  BackupNowQueue* backup_now = nullptr;
  // A collector ([collector]) whose zone's cycle is done within daemon.interval waits for the
  // next (the daemon); otherwise (`run --once`) it opens a new one.
  bool wait_for_zone_interval = false;
};

// Delivers what waits in the outbox (NetBox writes, Slack messages) for at most `budget`;
// once `stop` is set, only the request in flight finishes.
notify::DrainReport deliver_outbox(const Config& config, std::chrono::milliseconds budget, std::stop_token stop = {});

// Runs one cycle, counting into `summary` (its delivery too, within notify.drain_timeout;
// once `stop` is set only the request in flight finishes). Throws CycleError for
// setup/storage failures.
void run_backup_cycle(const Config& config, const CycleOptions& options, CycleSummary& summary);

}  // namespace nbsync::daemon
