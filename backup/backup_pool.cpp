#include "backup/backup_pool.hpp"

#include "types/backoff.hpp"

namespace nbsync::backup {

BackupPool::BackupPool(PoolOptions options, const CredentialBook& credentials, HostKeyVerifier& verifier,
                       ResultSink sink)
    : m_options(std::move(options)), m_credentials(credentials), m_verifier(verifier), m_sink(std::move(sink)) {
  m_threads.reserve(static_cast<std::size_t>(m_options.workers));
  for (int i = 0; i < m_options.workers; ++i) {
    m_threads.emplace_back([this] { work(); });
  }
}

BackupPool::~BackupPool() {
  cancel();
  for (auto& thread : m_threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

void BackupPool::submit(BackupJob job) {
  std::unique_lock lock(m_mutex);
  m_room.wait(lock, [this] { return m_cancelled || m_queue.size() < 2 * m_threads.size(); });
  if (m_cancelled) {
    return;
  }
  m_queue.push_back(std::move(job));
  m_job_ready.notify_one();
}

void BackupPool::finish() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_job_ready.notify_all();
  for (auto& thread : m_threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

std::vector<BackupJob> BackupPool::cancel() {
  std::vector<BackupJob> dropped;
  {
    std::lock_guard lock(m_mutex);
    m_cancelled = true;
    m_closed = true;
    dropped.assign(std::make_move_iterator(m_queue.begin()), std::make_move_iterator(m_queue.end()));
    m_queue.clear();
  }
  m_job_ready.notify_all();
  m_room.notify_all();
  return dropped;
}

bool BackupPool::sleep_unless_cancelled(std::chrono::milliseconds duration) {
  std::unique_lock lock(m_mutex);
  return !m_job_ready.wait_for(lock, duration, [this] { return m_cancelled; });
}

void BackupPool::work() {
  while (true) {
    BackupJob job;
    {
      std::unique_lock lock(m_mutex);
      m_job_ready.wait(lock, [this] { return !m_queue.empty() || m_closed; });
      if (m_queue.empty()) {
        return;
      }
      job = std::move(m_queue.front());
      m_queue.pop_front();
    }
    m_room.notify_one();
    m_sink(back_up(job));
  }
}

BackupResult BackupPool::back_up(const BackupJob& job) {
  const auto started = std::chrono::steady_clock::now();
  BackupResult result;
  result.device = job.device;
  result.profile = job.profile->name;
  const Credentials& credentials = m_credentials.for_device(job.device);
  FetchResult fetched;
  int attempt = 0;
  while (true) {
    fetched = fetch_config(job.device, *job.profile, credentials, m_options.limits, m_verifier);
    result.bytes_read += fetched.bytes_read;
    if (fetched.outcome.kind == OutcomeKind::ok || fetched.outcome.local_failure || fetched.outcome.abandoned ||
        !is_retryable(fetched.outcome.kind) || attempt >= m_options.retries) {
      break;
    }
    if (!sleep_unless_cancelled(full_jitter_backoff(attempt, m_options.retry_base, m_options.retry_cap))) {
      break;
    }
    ++attempt;
  }
  result.outcome = std::move(fetched.outcome);
  result.outcome.attempts = attempt + 1;
  result.host_key = std::move(fetched.host_key);
  if (result.outcome.kind == OutcomeKind::ok) {
    result.config = ConfigNormalizer(job.profile, m_options.mask_secrets).normalize(fetched.config);
    fetched.config.clear();
    fetched.config.shrink_to_fit();
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace nbsync::backup
