#include "daemon/backup_now_queue.hpp"

#include <utility>

namespace nbsync::daemon {

bool BackupNowQueue::offer(BackupNowRequest request) {
  std::lock_guard lock(m_mutex);
  if (!m_devices.insert(request.device_id).second) {
    return false;
  }
  m_waiting.push_back(std::move(request));
  return true;
}

bool BackupNowQueue::claim(std::int64_t device_id) {
  std::lock_guard lock(m_mutex);
  return m_devices.insert(device_id).second;
}

std::vector<BackupNowRequest> BackupNowQueue::start() {
  std::lock_guard lock(m_mutex);
  return std::exchange(m_waiting, {});
}

void BackupNowQueue::finish(const std::vector<BackupNowRequest>& done) {
  std::lock_guard lock(m_mutex);
  for (const auto& request : done) {
    m_devices.erase(request.device_id);
  }
}

void BackupNowQueue::give_back(std::vector<BackupNowRequest> requests) {
  std::lock_guard lock(m_mutex);
  for (auto& request : m_waiting) {
    requests.push_back(std::move(request));
  }
  m_waiting = std::move(requests);
}

bool BackupNowQueue::waiting() const {
  std::lock_guard lock(m_mutex);
  return !m_waiting.empty();
}

}  // namespace nbsync::daemon
