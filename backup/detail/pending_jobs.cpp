#include "backup/detail/pending_jobs.hpp"

#include <algorithm>
#include <iterator>

namespace nbsync::backup::detail {

void PendingJobs::push(BackupJob job, LimitSet limits) {
  if (m_urgent_devices.count(job.device.id) != 0) {
    return;
  }
  m_groups[std::move(limits)].push_back({m_arrivals++, std::move(job)});
  ++m_size;
}

bool PendingJobs::push_urgent(BackupJob job, LimitSet limits) {
  if (m_urgent_devices.count(job.device.id) != 0) {
    return false;  // asked for again before its urgent job started: one backup serves both
  }
  const bool dropped = drop_ordinary(job.device.id);
  auto& entries = m_groups[std::move(limits)];
  const auto after_urgent =
      std::find_if(entries.begin(), entries.end(), [](const Entry& entry) { return entry.arrival >= k_ordinary; });
  m_urgent_devices.insert(job.device.id);
  entries.insert(after_urgent, Entry{m_urgent_arrivals++, std::move(job)});
  ++m_size;
  return dropped;
}

bool PendingJobs::drop_ordinary(std::int64_t device_id) {
  for (auto group = m_groups.begin(); group != m_groups.end(); ++group) {
    auto& entries = group->second;
    const auto same = std::find_if(entries.begin(), entries.end(), [device_id](const Entry& entry) {
      return entry.arrival >= k_ordinary && entry.job.device.id == device_id;
    });
    if (same != entries.end()) {
      entries.erase(same);
      --m_size;
      if (entries.empty()) {
        m_groups.erase(group);
      }
      return true;
    }
  }
  return false;
}

std::optional<StartableJob> PendingJobs::take(Clock::time_point now, const ScopeLimiter& limiter,
                                              const DeviceBusy& busy, Clock::time_point& wake_at) {
  std::map<LimitSet, std::deque<Entry>>::iterator best_group = m_groups.end();
  std::deque<Entry>::iterator best;
  for (auto group = m_groups.begin(); group != m_groups.end(); ++group) {
    const auto free_at = limiter.session_free_at(group->first, now);
    if (free_at > now) {
      wake_at = std::min(wake_at, free_at);
      continue;
    }
    auto& entries = group->second;
    const auto first_free =
        std::find_if(entries.begin(), entries.end(), [&busy](const Entry& entry) { return !busy(entry.job.device); });
    if (first_free != entries.end() && (best_group == m_groups.end() || first_free->arrival < best->arrival)) {
      best_group = group;
      best = first_free;
    }
  }
  if (best_group == m_groups.end()) {
    return std::nullopt;
  }
  if (best->arrival < k_ordinary) {
    m_urgent_devices.erase(best->job.device.id);
  }
  StartableJob taken{std::move(best->job), best_group->first};
  best_group->second.erase(best);
  if (best_group->second.empty()) {
    m_groups.erase(best_group);
  }
  --m_size;
  return taken;
}

std::vector<BackupJob> PendingJobs::drain() {
  std::vector<std::pair<std::uint64_t, BackupJob>> entries;
  entries.reserve(m_size);
  for (auto& [limits, group] : m_groups) {
    for (auto& entry : group) {
      entries.emplace_back(entry.arrival, std::move(entry.job));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<BackupJob> jobs;
  jobs.reserve(entries.size());
  for (auto& entry : entries) {
    jobs.push_back(std::move(entry.second));
  }
  m_groups.clear();
  m_urgent_devices.clear();
  m_size = 0;
  return jobs;
}

std::size_t PendingJobs::unlimited_size() const {
  const auto unlimited = m_groups.find(LimitSet{});
  return unlimited == m_groups.end() ? 0 : unlimited->second.size();
}

}  // namespace nbsync::backup::detail
