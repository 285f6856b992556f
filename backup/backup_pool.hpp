#pragma once
// The worker pool: up to `workers` threads (started as jobs arrive), each holding at most one
// SSH session for one device at a time, never shared. Jobs wait in a short queue (submit() blocks when it is full, so
// the caller streams the inventory in); each finished device goes to the result sink, which
// may block too (the storage writer's byte budget). Retryable outcomes are tried again
// with capped, jittered backoff; the rest are reported at once. Never two sessions to one
// device: a job whose address and port a worker is already talking to waits (the other
// jobs pass it), so two NetBox records of one box (stack members, a VDC, a duplicate)
// never take two of its few vty lines at once. [[ssh.limit]] scopes (ScopeLimiter) cap the
// sessions and the login rate of the devices they match; their jobs wait apart, in a longer
// queue, so a throttled site lets the rest of the fleet pass. Devices behind a jump host
// (JumpHostRoutes) tunnel through one shared connection per bastion (BastionConnections);
// each bastion's `sessions` cap is a limit of its own, held by every hop of a chain. Each
// site's sessions at once follow a CongestionWindow, so a site whose logins struggle
// (a TACACS server that cannot keep up) gets fewer while the rest of the fleet goes on.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backup/backup_job.hpp"
#include "backup/bastion_connections.hpp"
#include "backup/config_normalizer.hpp"
#include "backup/congestion_window.hpp"
#include "backup/credentials.hpp"
#include "backup/detail/pending_jobs.hpp"
#include "backup/device_session.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/jump_host_routes.hpp"
#include "backup/memory_budget.hpp"
#include "backup/platform_profile.hpp"
#include "backup/scope_limiter.hpp"

namespace nbsync::backup {

struct BackupResult {
  inventory::Device device;
  std::string profile;
  Outcome outcome;
  NormalizedConfig config;  // ok only: normalized, masked when masking is on
  std::size_t bytes_read = 0;
  std::chrono::milliseconds duration{0};
  HostKey host_key;
};

struct PoolOptions {
  int workers = 768;
  int retries = 2;  // extra attempts for retryable outcomes
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{15000};
  SessionLimits limits;
  bool mask_secrets = true;
  std::shared_ptr<const MaskKey> mask_key;  // storage.mask_key: secrets become keyed tags; null: "<removed>"
  std::vector<ScopeLimit> scope_limits;     // [[ssh.limit]]
  // Jobs that may wait inside limited scopes at once; past it, submit() blocks.
  std::size_t limited_queue = 10000;
  JumpHostRoutes jump_hosts;  // [[ssh.jump_host]]
  // ssh.memory_budget: config bytes all sessions hold at once, until each result is handed
  // to the sink (0: no budget). Sessions wait for it; none fails for it.
  std::size_t memory_budget = 32u << 20;
  // Each NetBox site gets a window of sessions at once that starts here, widens as its
  // logins go well and halves when they struggle together (CongestionWindow); 0: none.
  int site_sessions_start = 16;
  // Each NetBox site's new logins a second (counted when a connected session is about to
  // authenticate, SessionLimits::before_login), so that its AAA server (TACACS+, RADIUS), whose
  // capacity nbsync cannot see, never queues them: a small site's server may answer only a
  // few a second. An [[ssh.limit]] with its own logins_per_second replaces this pace for the
  // devices it covers (how a user lets a data centre's AAA cluster take more); 0: no pace.
  double site_logins_per_second = 2;
  // A bastion that failed is dialed again only after this; its devices fail at once meanwhile.
  std::chrono::milliseconds bastion_retry_after{30000};
};

class BackupPool {
public:
  using ResultSink = std::function<void(BackupResult&&)>;  // called from worker threads

  BackupPool(PoolOptions options, const CredentialBook& credentials, HostKeyVerifier& verifier, ResultSink sink);
  ~BackupPool();
  BackupPool(const BackupPool&) = delete;
  BackupPool& operator=(const BackupPool&) = delete;

  // Queues a device; blocks while 2 x workers jobs are waiting (limited_queue jobs, for a
  // device inside a [[ssh.limit]] scope).
  void submit(BackupJob job);
  // "Back up now": the device goes ahead of every waiting device (a worker is started for
  // it when none is idle); if it waits already it is not backed up twice, and if a session
  // to it is open right now, that session's result serves (nothing is queued). Callable
  // from any thread until finish() returns; false once the pool has finished (or was
  // cancelled) and took nothing.
  bool submit_urgent(BackupJob job);
  // No more jobs: returns when every queued device has been reported.
  void finish();
  // Shutdown: queued devices that have not started are dropped (returned), devices in
  // flight finish, no retry is started.
  std::vector<BackupJob> cancel();
  // Each [[ssh.limit]] scope, each jump host, then each site's window: caps, sessions open
  // now, peak, logins so far, back-offs.
  std::vector<ScopeLimitState> scope_states() const;
  // Worker threads started so far (call from the thread that submits).
  std::size_t threads_started() const {
    std::lock_guard lock(m_mutex);
    return m_threads.size();
  }
  // ssh.memory_budget: held now, peak, how often and how long sessions waited for it.
  MemoryBudgetState memory_state() const { return m_memory.state(); }

private:
  // The limits a device's session counts against: its [[ssh.limit]] scopes and every jump
  // host on its way.
  LimitSet limits_for(const BackupJob& job);  // under m_mutex
  // A site's window hears how an attempt went; true when it looked like the site struggling.
  bool record_attempt(const inventory::Device& device, std::chrono::steady_clock::time_point started,
                      const Outcome& outcome);
  // The device's result without a session: NetBox names a jump host the config lacks.
  void report_unroutable(BackupJob job, const std::string& problem);
  // `login_pace`: the site's pace the session waits for right before it logs in (empty: none).
  FetchResult fetch(const BackupJob& job, const Credentials& credentials, MemoryLease& memory,
                    const LimitSet& login_pace);
  void work();
  void spawn_worker();  // under m_mutex: one more worker, unless `workers` run already
  // The next job a worker may start, its session counted; nullopt once the pool is closed
  // and empty, or cancelled.
  std::optional<detail::StartableJob> take_job();
  void end_session(const detail::StartableJob& job);
  // `memory` is the lease of the attempt whose result is returned: the caller keeps it until
  // the result is handed on.
  BackupResult back_up(const detail::StartableJob& job, std::optional<MemoryLease>& memory);
  bool sleep_unless_cancelled(std::chrono::milliseconds duration);
  // Waits until the job's scopes allow one more login (a retry's, or a paced one); false if
  // cancelled.
  bool wait_for_login(const LimitSet& limits);
  // The site's login pace for the job, unless a configured [[ssh.limit]] sets its rate.
  LimitSet login_pace(const detail::StartableJob& job) const;

  PoolOptions m_options;
  const CredentialBook& m_credentials;
  HostKeyVerifier& m_verifier;
  ResultSink m_sink;
  mutable std::mutex m_mutex;
  std::condition_variable m_job_ready;
  std::condition_variable m_room;
  // Only cancel() signals it: what paced logins and retry back-offs sleep on, so that the
  // pool's other events (a job ready, a session ended) do not wake hundreds of them.
  std::condition_variable m_cancel_signal;
  detail::PendingJobs m_pending;
  ScopeLimiter m_limiter;
  std::map<std::string, std::uint16_t, std::less<>> m_jump_host_limits;  // name -> index in m_limiter
  BastionConnections m_bastions;
  MemoryBudget m_memory;
  struct SiteWindow {
    std::optional<std::uint16_t> limit;  // the window's scope (none: site_sessions_start is 0)
    CongestionWindow window;
    std::optional<std::uint16_t> pace;  // the login pace's scope (none: site_logins_per_second is 0)
  };
  SiteWindow* site_window(const std::string& site);
  std::map<std::string, SiteWindow, std::less<>> m_sites;  // by site slug, as devices arrive
  std::set<std::string, std::less<>> m_busy;               // "address:port" of every device in a session
  bool m_closed = false;
  bool m_cancelled = false;
  std::size_t m_idle = 0;              // workers waiting for a job that may start
  std::size_t m_alive = 0;             // workers started and not yet out of jobs for good
  std::vector<std::thread> m_threads;  // started as jobs wait, up to `workers`; grows under m_mutex
};

}  // namespace nbsync::backup
