#include "backup/backup_pool.hpp"

#include <algorithm>
#include <string>

#include "types/backoff.hpp"

namespace nbsync::backup {
namespace {

std::string session_key(const inventory::Device& device) {
  return device.address + ":" + std::to_string(device.port);
}

}  // namespace

BackupPool::BackupPool(PoolOptions options, const CredentialBook& credentials, HostKeyVerifier& verifier,
                       ResultSink sink)
    : m_options(std::move(options)),
      m_credentials(credentials),
      m_verifier(verifier),
      m_sink(std::move(sink)),
      m_limiter(m_options.scope_limits),
      m_bastions(m_options.limits, verifier, m_options.bastion_retry_after),
      m_memory(m_options.memory_budget) {
  for (const auto& rule : m_options.jump_hosts.rules()) {
    m_jump_host_limits.emplace(rule.jump_host->name, m_limiter.add_jump_host(rule.jump_host->name, rule.sessions));
  }
  m_threads.reserve(static_cast<std::size_t>(m_options.workers));
}

BackupPool::~BackupPool() {
  cancel();
  for (auto& thread : m_threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

// The site's window and login pace, made when its first device arrives; null when the site
// needs neither or the limiter has no room for more scopes.
BackupPool::SiteWindow* BackupPool::site_window(const std::string& site) {
  const bool window = m_options.site_sessions_start > 0;
  const bool pace = m_options.site_logins_per_second > 0;
  if (site.empty() || (!window && !pace)) {
    return nullptr;
  }
  if (auto known = m_sites.find(site); known != m_sites.end()) {
    return &known->second;
  }
  SiteWindow entry{std::nullopt, {std::max(1, m_options.site_sessions_start), m_options.workers}, std::nullopt};
  if (window) {
    entry.limit = m_limiter.add_site(site, m_options.site_sessions_start);
  }
  if (pace) {
    entry.pace = m_limiter.add_site_pace(site, m_options.site_logins_per_second);
  }
  if (!entry.limit && !entry.pace) {
    return nullptr;
  }
  return &m_sites.emplace(site, std::move(entry)).first->second;
}

LimitSet BackupPool::limits_for(const BackupJob& job) {
  LimitSet limits = m_limiter.limits_for(job.device);
  if (SiteWindow* site = site_window(job.device.site); site != nullptr && site->limit) {
    limits.push_back(*site->limit);
  }
  for (const JumpHost* hop = job.jump_host.get(); hop != nullptr; hop = hop->via.get()) {
    if (const auto limit = m_jump_host_limits.find(hop->name); limit != m_jump_host_limits.end()) {
      limits.push_back(limit->second);
    }
  }
  std::sort(limits.begin(), limits.end());
  return limits;
}

void BackupPool::report_unroutable(BackupJob job, const std::string& problem) {
  BackupResult result;
  result.profile = job.profile->name;
  result.outcome = Outcome{OutcomeKind::skipped, session_label(job.device) + ": not backed up: " + problem};
  result.outcome.attempts = 0;
  result.device = std::move(job.device);
  m_sink(std::move(result));
}

void BackupPool::submit(BackupJob job) {
  JumpHostRoute route = m_options.jump_hosts.route_for(job.device);
  if (!route.problem.empty()) {
    report_unroutable(std::move(job), route.problem);
    return;
  }
  job.jump_host = std::move(route.jump_host);
  std::unique_lock lock(m_mutex);
  LimitSet limits = limits_for(job);
  m_room.wait(lock, [this, &limits] {
    return m_cancelled || (limits.empty() ? m_pending.unlimited_size() < 2 * static_cast<std::size_t>(m_options.workers)
                                          : m_pending.limited_size() < m_options.limited_queue);
  });
  if (m_cancelled) {
    return;
  }
  m_pending.push(std::move(job), std::move(limits));
  // A worker for every job nobody idle can take, up to `workers`: a small fleet never
  // starts the threads a large one needs.
  if (m_idle < m_pending.unlimited_size() + m_pending.limited_size()) {
    spawn_worker();
  }
  lock.unlock();
  m_job_ready.notify_one();
}

bool BackupPool::submit_urgent(BackupJob job) {
  JumpHostRoute route = m_options.jump_hosts.route_for(job.device);
  std::unique_lock lock(m_mutex);
  if (m_cancelled || (m_closed && m_alive == 0)) {
    return false;  // finished: no worker is left to take it
  }
  if (!route.problem.empty()) {
    lock.unlock();
    report_unroutable(std::move(job), route.problem);
    return true;
  }
  if (m_busy.count(session_key(job.device)) != 0) {
    return true;  // in a session right now: that backup serves the request
  }
  job.jump_host = std::move(route.jump_host);
  LimitSet limits = limits_for(job);
  m_pending.push_urgent(std::move(job), std::move(limits));
  if (m_idle == 0 && !m_closed) {
    spawn_worker();
  }
  lock.unlock();
  m_job_ready.notify_all();
  return true;
}

void BackupPool::spawn_worker() {
  if (m_threads.size() < static_cast<std::size_t>(m_options.workers)) {
    ++m_alive;
    m_threads.emplace_back([this] { work(); });
  }
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
    dropped = m_pending.drain();
  }
  m_job_ready.notify_all();
  m_room.notify_all();
  m_cancel_signal.notify_all();
  return dropped;
}

std::vector<ScopeLimitState> BackupPool::scope_states() const {
  std::lock_guard lock(m_mutex);
  return m_limiter.states();
}

bool BackupPool::sleep_unless_cancelled(std::chrono::milliseconds duration) {
  std::unique_lock lock(m_mutex);
  return !m_cancel_signal.wait_for(lock, duration, [this] { return m_cancelled; });
}

LimitSet BackupPool::login_pace(const detail::StartableJob& job) const {
  std::lock_guard lock(m_mutex);
  const auto site = m_sites.find(job.job.device.site);
  if (site == m_sites.end() || !site->second.pace || m_limiter.sets_login_rate(job.limits)) {
    return {};
  }
  return {*site->second.pace};
}

bool BackupPool::wait_for_login(const LimitSet& limits) {
  std::unique_lock lock(m_mutex);
  auto due = m_limiter.reserve_login(limits, ScopeLimiter::Clock::now());
  while (!m_cancel_signal.wait_until(lock, due, [this] { return m_cancelled; })) {
    const auto now = ScopeLimiter::Clock::now();
    due = m_limiter.spaced_after_last(limits);
    if (due <= now) {
      m_limiter.logged_in(limits, now);
      return true;
    }
  }
  return false;
}

std::optional<detail::StartableJob> BackupPool::take_job() {
  const auto busy = [this](const inventory::Device& device) { return m_busy.count(session_key(device)) != 0; };
  std::unique_lock lock(m_mutex);
  while (!m_cancelled) {
    const auto now = ScopeLimiter::Clock::now();
    auto wake_at = ScopeLimiter::Clock::time_point::max();
    if (auto taken = m_pending.take(now, m_limiter, busy, wake_at)) {
      m_busy.insert(session_key(taken->job.device));
      m_limiter.open_session(taken->limits, now);
      lock.unlock();
      m_room.notify_all();
      return taken;
    }
    if (m_closed && m_pending.empty()) {
      --m_alive;  // under the lock that decided it: submit_urgent() sees no worker left
      return std::nullopt;
    }
    ++m_idle;
    if (wake_at == ScopeLimiter::Clock::time_point::max()) {
      m_job_ready.wait(lock);
    } else {
      m_job_ready.wait_until(lock, wake_at);
    }
    --m_idle;
  }
  --m_alive;
  return std::nullopt;
}

void BackupPool::end_session(const detail::StartableJob& job) {
  {
    std::lock_guard lock(m_mutex);
    m_busy.erase(session_key(job.job.device));
    m_limiter.close_session(job.limits);
  }
  m_job_ready.notify_all();  // a job waiting for this device or this scope may start now
}

void BackupPool::work() {
  while (auto job = take_job()) {
    std::optional<MemoryLease> memory;
    BackupResult result = back_up(*job, memory);
    end_session(*job);
    m_sink(std::move(result));
  }  // the config's bytes go back to the budget once the sink has it
}

namespace {

// A login refused after this long was most likely not refused by the AAA server but given up
// on (a TACACS+ server that did not answer within the device's timeout: 3 s on Junos, 5 s on
// IOS); a wrong password is refused within the AAA server's answer time.
constexpr std::chrono::milliseconds k_slow_refusal{2000};

// Whether an attempt looks like its site struggling rather than its device failing: it
// timed out, or its login was refused only after a long wait. A bastion's failure or
// nbsync's own is not the site's.
bool site_struggled(const Outcome& outcome, std::chrono::milliseconds took, const SessionLimits& limits) {
  if (outcome.local_failure || outcome.abandoned || !outcome.jump_host.empty()) {
    return false;
  }
  if (outcome.kind == OutcomeKind::timeout) {
    return true;
  }
  return outcome.kind == OutcomeKind::auth && took >= std::min(limits.login_timeout / 2, k_slow_refusal);
}

}  // namespace

bool BackupPool::record_attempt(const inventory::Device& device, std::chrono::steady_clock::time_point started,
                                const Outcome& outcome) {
  const auto now = std::chrono::steady_clock::now();
  const bool struggled =
      site_struggled(outcome, std::chrono::duration_cast<std::chrono::milliseconds>(now - started), m_options.limits);
  {
    std::lock_guard lock(m_mutex);
    const auto site = m_sites.find(device.site);
    if (site == m_sites.end() || !site->second.limit) {
      return struggled;
    }
    auto& window = site->second.window;
    window.record(started, struggled, now);
    m_limiter.set_sessions_cap(*site->second.limit, window.allowed(), window.backoffs(), window.lowest());
  }
  m_job_ready.notify_all();  // a wider window lets waiting jobs of the site start
  return struggled;
}

FetchResult BackupPool::fetch(const BackupJob& job, const Credentials& credentials, MemoryLease& memory,
                              const LimitSet& login_pace) {
  SessionLimits limits = m_options.limits;
  limits.memory = &memory;
  if (!login_pace.empty()) {
    limits.before_login = [this, &login_pace] { return wait_for_login(login_pace); };
  }
  if (!job.jump_host) {
    return fetch_config(job.device, *job.profile, credentials, limits, m_verifier);
  }
  const BastionUse bastion = m_bastions.connect(job.jump_host, session_label(job.device));
  if (bastion.failure) {
    FetchResult unreached;
    unreached.outcome = *bastion.failure;
    return unreached;
  }
  return fetch_config(job.device, *job.profile, credentials, limits, m_verifier, bastion.connection.get());
}

BackupResult BackupPool::back_up(const detail::StartableJob& startable, std::optional<MemoryLease>& memory) {
  const BackupJob& job = startable.job;
  const auto started = std::chrono::steady_clock::now();
  BackupResult result;
  result.device = job.device;
  result.profile = job.profile->name;
  const Credentials& credentials = m_credentials.for_device(job.device);
  const LimitSet pace = login_pace(startable);
  FetchResult fetched;
  int attempt = 0;
  while (true) {
    memory.emplace(&m_memory);  // a failed attempt's bytes went with it
    const auto attempt_started = std::chrono::steady_clock::now();
    fetched = fetch(job, credentials, memory.value(), pace);
    // A login refused only after a long wait is worth another try, once the site backed off.
    const bool struggled = record_attempt(job.device, attempt_started, fetched.outcome);
    result.bytes_read += fetched.bytes_read;
    if (fetched.outcome.kind == OutcomeKind::ok || fetched.outcome.local_failure || fetched.outcome.abandoned ||
        !(is_retryable(fetched.outcome.kind) || struggled) || attempt >= m_options.retries) {
      break;
    }
    if (!sleep_unless_cancelled(full_jitter_backoff(attempt, m_options.retry_base, m_options.retry_cap)) ||
        !wait_for_login(startable.limits)) {
      break;
    }
    ++attempt;
  }
  result.outcome = std::move(fetched.outcome);
  result.outcome.attempts = attempt + 1;
  result.host_key = std::move(fetched.host_key);
  if (result.outcome.kind == OutcomeKind::ok) {
    result.config = ConfigNormalizer(job.profile, m_options.mask_secrets, m_options.mask_key).normalize(fetched.config);
    fetched.config.clear();
    fetched.config.shrink_to_fit();
  }
  result.duration = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  return result;
}

}  // namespace nbsync::backup
