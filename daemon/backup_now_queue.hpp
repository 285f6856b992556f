#pragma once
// The devices NetBox users asked to back up now, waiting for the service loop. A device
// is in the queue at most once, from its first webhook until its backup has been reported:
// a burst of webhooks for one device, or one that comes while it is being backed up,
// gives one backup. Thread-safe: webhooks arrive on the web server's threads.
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include "types/backup_now_request.hpp"

namespace nbsync::daemon {

class BackupNowQueue {
public:
  // False when the device already waits or is being backed up (the request is merged).
  bool offer(BackupNowRequest request);
  // Marks the device in flight without a waiting request (a cycle serves it already);
  // false when it waits or is in flight. finish() ends it.
  bool claim(std::int64_t device_id);
  // Takes every waiting request; their devices count as in flight until finish().
  std::vector<BackupNowRequest> start();
  void finish(const std::vector<BackupNowRequest>& done);
  // Requests start() handed out that were not backed up after all wait again, first.
  void give_back(std::vector<BackupNowRequest> requests);
  bool waiting() const;

private:
  mutable std::mutex m_mutex;
  std::vector<BackupNowRequest> m_waiting;
  std::set<std::int64_t> m_devices;  // waiting or in flight
};

}  // namespace nbsync::daemon
