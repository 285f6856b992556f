#pragma once
// The "back up now" requests one run serves. The first recorded end of an asked-for device
// becomes the request's outbox rows (trigger cleared, journal entry: notify/backup_now_report
// .hpp), written in that attempt's transaction ahead of its status writes; the requests
// whose device the run never reached are written to the outbox at the run's end, saying
// why. Each request is logged once. Thread-safe: devices end on worker threads.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "storage/notification_hooks.hpp"
#include "types/backup_now_request.hpp"
#include "types/outcome_kind.hpp"

namespace nbsync::daemon {

class BackupNowRequests {
public:
  void add(const std::vector<BackupNowRequest>& requests);
  void remove(const std::vector<BackupNowRequest>& requests);
  bool has(std::int64_t device_id) const;
  std::vector<BackupNowRequest> all() const;
  // The rows that end the request for `device_id`; empty when there is none, or it got its
  // rows already (one journal entry per request).
  std::vector<storage::OutboxRow> rows_for(std::int64_t device_id, OutcomeKind kind, const std::string& message);
  // Writes the rows of every request still without them to the database's outbox; `missing`
  // is what their journal entries say. Failures are logged, not thrown.
  void end_unreached(const Config& config, const std::string& missing);
  // The requests still without rows, now counted as ended (the run failed: they are tried again).
  std::vector<BackupNowRequest> take_unended();

private:
  struct Pending {
    BackupNowRequest request;
    bool ended = false;
  };
  mutable std::mutex m_mutex;
  std::map<std::int64_t, Pending> m_requests;  // by device id
};

}  // namespace nbsync::daemon
