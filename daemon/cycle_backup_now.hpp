#pragma once
// "Back up now" requests a running cycle takes from the service's queue: each device is
// read from NetBox by id (within netbox.filters) and handed to the cycle's pool ahead of
// every waiting device, so it is backed up next (at once when a worker is free) instead
// of after the cycle. The walk does not back it up again when it reaches it; one already
// waiting in the pool is moved ahead, not doubled; one in a session right then is served
// by that session. Each request ends with its device's attempt (trigger cleared, journal
// entry, through the outbox: BackupNowRequests). Requests that come after the cycle's pool
// has finished stay in the queue for the run after the cycle.
// A device the walk finds with its trigger still set, though no webhook for it waits (sent
// while nbsync was stopped or unreachable, or before netbox-setup made the rule), is a
// request too: the walk's backup of it ends it, so no trigger stays set for ever.
#include <atomic>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "daemon/backup_now_queue.hpp"
#include "daemon/backup_now_results.hpp"
#include "inventory/device.hpp"

namespace nbsync::daemon {

class CycleBackupNow {
public:
  // Hands a device to the pool ahead of its queue (or records it skipped); false once the
  // pool has finished and took nothing. Called on this object's thread.
  using Submit = std::function<bool(inventory::Device&& device)>;

  // Sends what is stored so far to NetBox (the answers among it), on this object's thread;
  // the stop token is this thread's (stop_taking() cuts it short).
  using DeliverAnswers = std::function<void(std::stop_token stop)>;

  // Starts taking requests from `queue` (every 100 ms) until stop_taking(). After requests
  // are answered (answered()), `deliver` runs on the same thread, so a user sees the journal
  // entry within seconds, not at the cycle's end.
  CycleBackupNow(const Config& config, BackupNowQueue& queue, Submit submit, DeliverAnswers deliver = {});
  // Stops taking; requests taken but not ended go back to the queue (the cycle failed).
  ~CycleBackupNow();
  CycleBackupNow(const CycleBackupNow&) = delete;
  CycleBackupNow& operator=(const CycleBackupNow&) = delete;

  void stop_taking();
  // The walk reached `device`: if it carries the trigger and no request for it is known,
  // its backup in the walk ends one (asked for by "a NetBox user nbsync did not hear").
  void serve_if_asked(const inventory::Device& device);
  // True when the device was taken ahead of the queue: the walk leaves it alone.
  bool taken(std::int64_t device_id) const;
  // The end of the request for the device (any thread): outbox rows for its attempt.
  std::vector<storage::OutboxRow> rows_for(std::int64_t device_id, OutcomeKind kind, const std::string& message);
  // The cycle stored (submitted to its writer) the end of a request: deliver it soon.
  void answered() { ++m_answered; }
  // Once the run is stored: the rows of requests whose device the run never reached, then
  // the queue lets their devices be asked for again.
  void report();

private:
  void take_waiting();
  void deliver_answers(std::stop_token stop);
  // Ends the walk's found requests without rows when their device got no attempt (the
  // trigger stays set: the next cycle finds it again) and lets the queue take them again.
  void release_found();
  // The requests' devices as NetBox lists them within netbox.filters, each handed to submit.
  void submit_all(const std::vector<BackupNowRequest>& requests);

  const Config& m_config;
  BackupNowQueue& m_queue;
  Submit m_submit;
  DeliverAnswers m_deliver;
  std::atomic<int> m_answered{0};
  int m_delivered = 0;        // answers delivered (or tried) so far: this object's thread only
  BackupNowRequests m_taken;  // being read from NetBox, submitted, or not listed by it
  BackupNowRequests m_found;  // triggers the walk found set, served by its own backups
  bool m_reported = false;
  std::jthread m_thread;  // last: it uses the members above
};

}  // namespace nbsync::daemon
