#include "daemon/cycle_backup_now.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>

#include "daemon/cycle_settings.hpp"
#include "inventory/netbox_client.hpp"

namespace nbsync::daemon {

namespace {

constexpr auto k_poll = std::chrono::milliseconds(100);

}  // namespace

CycleBackupNow::CycleBackupNow(const Config& config, BackupNowQueue& queue, Submit submit)
    : m_config(config), m_queue(queue), m_submit(std::move(submit)) {
  m_thread = std::jthread([this](std::stop_token stop) {
    std::mutex sleep_mutex;
    std::condition_variable_any sleep;
    while (!stop.stop_requested()) {
      take_waiting();
      std::unique_lock lock(sleep_mutex);
      sleep.wait_for(lock, stop, k_poll, [] { return false; });
    }
  });
}

CycleBackupNow::~CycleBackupNow() {
  stop_taking();
  if (m_reported) {
    return;
  }
  // The cycle failed: requests not ended yet wait again for the run after it.
  const std::vector<BackupNowRequest> unended = m_taken.take_unended();
  std::set<std::int64_t> again;
  for (const auto& request : unended) {
    again.insert(request.device_id);
  }
  std::vector<BackupNowRequest> ended;
  for (auto& request : m_taken.all()) {
    if (again.count(request.device_id) == 0) {
      ended.push_back(std::move(request));
    }
  }
  m_queue.finish(ended);
  m_queue.give_back(unended);
}

void CycleBackupNow::stop_taking() {
  m_thread.request_stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

bool CycleBackupNow::taken(std::int64_t device_id) const {
  return m_taken.has(device_id);
}

std::vector<storage::OutboxRow> CycleBackupNow::rows_for(std::int64_t device_id, OutcomeKind kind,
                                                         const std::string& message) {
  return m_taken.rows_for(device_id, kind, message);
}

void CycleBackupNow::report() {
  m_taken.end_unreached(m_config,
                        "not backed up: NetBox did not list the device within nbsync's filters (netbox.filters)");
  m_reported = true;
  m_queue.finish(m_taken.all());
}

void CycleBackupNow::take_waiting() {
  std::vector<BackupNowRequest> requests = m_queue.start();
  if (requests.empty()) {
    return;
  }
  spdlog::info("backup now: {} device(s) asked for during the cycle go ahead of its queue", requests.size());
  submit_all(requests);
}

void CycleBackupNow::submit_all(const std::vector<BackupNowRequest>& requests) {
  m_taken.add(requests);  // before any is submitted: its end may come at once
  inventory::NetboxClient netbox(cycle_netbox_options(m_config));
  inventory::DeviceQuery query = cycle_device_query(m_config);
  for (const auto& request : requests) {
    query.id.push_back(request.device_id);
  }
  std::set<std::int64_t> listed, submitted;
  const auto walk = netbox.walk_devices(query, [&](std::vector<inventory::Device>&& page) {
    for (auto& device : page) {
      const std::int64_t id = device.id;
      listed.insert(id);
      if (m_submit(std::move(device))) {
        submitted.insert(id);
      }
    }
  });
  if (!walk.complete) {
    spdlog::warn("backup now: NetBox could not list the devices asked for: {}", walk.error);
  }
  // Not submitted because the pool had finished, or NetBox could not say: for the run after
  // the cycle. (Not listed by a complete walk: reported as such.)
  std::vector<BackupNowRequest> later;
  for (const auto& request : requests) {
    const bool unlisted = walk.complete && listed.count(request.device_id) == 0;
    if (submitted.count(request.device_id) == 0 && !unlisted) {
      later.push_back(request);
    }
  }
  if (later.empty()) {
    return;
  }
  m_taken.remove(later);
  m_queue.give_back(std::move(later));
}

}  // namespace nbsync::daemon
