#pragma once
// The worker pool: `workers` threads, each holding at most one SSH session for one device
// at a time, never shared. Jobs wait in a short queue (submit() blocks when it is full, so
// the caller streams the inventory in); each finished device goes to the result sink, which
// may block too (the storage writer's byte budget). Retryable outcomes are tried again
// with capped, jittered backoff; the rest are reported at once.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "backup/config_normalizer.hpp"
#include "backup/credentials.hpp"
#include "backup/device_session.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/platform_profile.hpp"

namespace nbsync::backup {

struct BackupJob {
  inventory::Device device;
  std::shared_ptr<const PlatformProfile> profile;
};

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
  int workers = 32;
  int retries = 2;  // extra attempts for retryable outcomes
  std::chrono::milliseconds retry_base{1000};
  std::chrono::milliseconds retry_cap{15000};
  SessionLimits limits;
  bool mask_secrets = true;
};

class BackupPool {
public:
  using ResultSink = std::function<void(BackupResult&&)>;  // called from worker threads

  BackupPool(PoolOptions options, const CredentialBook& credentials, HostKeyVerifier& verifier, ResultSink sink);
  ~BackupPool();
  BackupPool(const BackupPool&) = delete;
  BackupPool& operator=(const BackupPool&) = delete;

  // Queues a device; blocks while 2 x workers jobs are waiting.
  void submit(BackupJob job);
  // No more jobs: returns when every queued device has been reported.
  void finish();
  // Shutdown: queued devices that have not started are dropped (returned), devices in
  // flight finish, no retry is started.
  std::vector<BackupJob> cancel();

private:
  void work();
  BackupResult back_up(const BackupJob& job);
  bool sleep_unless_cancelled(std::chrono::milliseconds duration);

  PoolOptions m_options;
  const CredentialBook& m_credentials;
  HostKeyVerifier& m_verifier;
  ResultSink m_sink;
  std::mutex m_mutex;
  std::condition_variable m_job_ready;
  std::condition_variable m_room;
  std::deque<BackupJob> m_queue;
  bool m_closed = false;
  bool m_cancelled = false;
  std::vector<std::thread> m_threads;
};

}  // namespace nbsync::backup
