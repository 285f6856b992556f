#include "daemon/cycle_backup_now.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "daemon/cycle_settings.hpp"
#include "inventory/netbox_client.hpp"
#include "types/device_label.hpp"

namespace nbsync::daemon {

namespace {

constexpr auto k_poll = std::chrono::milliseconds(100);

// The trigger a device carries as the walk read it, if any.
std::optional<BackupNowTrigger> trigger_on(const inventory::Device& device) {
  if (std::find(device.tags.begin(), device.tags.end(), k_backup_now_tag) != device.tags.end()) {
    return BackupNowTrigger::tag;
  }
  const auto fields = nlohmann::json::parse(device.nbsync_fields, nullptr, false);
  if (fields.is_object() && fields.contains(k_backup_now_field) && fields[k_backup_now_field] == true) {
    return BackupNowTrigger::custom_field;
  }
  return std::nullopt;
}

// Unique per request (the journal entry's idempotency key is made of it).
std::string found_request_id() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return "found-" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

CycleBackupNow::CycleBackupNow(const Config& config, BackupNowQueue& queue, Submit submit, DeliverAnswers deliver)
    : m_config(config), m_queue(queue), m_submit(std::move(submit)), m_deliver(std::move(deliver)) {
  m_thread = std::jthread([this](std::stop_token stop) {
    std::mutex sleep_mutex;
    std::condition_variable_any sleep;
    while (!stop.stop_requested()) {
      take_waiting();
      deliver_answers(stop);
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
  release_found();
}

void CycleBackupNow::stop_taking() {
  m_thread.request_stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

void CycleBackupNow::serve_if_asked(const inventory::Device& device) {
  const auto trigger = trigger_on(device);
  if (!trigger || m_taken.has(device.id) || !m_queue.claim(device.id)) {
    return;  // not asked for, or its webhook's request has it
  }
  BackupNowRequest request{device.id, device.name, "a NetBox user whose webhook nbsync did not receive",
                           found_request_id(), *trigger};
  spdlog::info(
      "backup now: {} carries the {} but no webhook for it reached nbsync; this cycle's backup of it "
      "answers it",
      device_label(device.name, device.id), to_string(*trigger));
  m_found.add({std::move(request)});
}

bool CycleBackupNow::taken(std::int64_t device_id) const {
  return m_taken.has(device_id);
}

std::vector<storage::OutboxRow> CycleBackupNow::rows_for(std::int64_t device_id, OutcomeKind kind,
                                                         const std::string& message) {
  auto rows = m_taken.rows_for(device_id, kind, message);
  return rows.empty() ? m_found.rows_for(device_id, kind, message) : rows;
}

void CycleBackupNow::report() {
  m_taken.end_unreached(m_config,
                        "not backed up: NetBox did not list the device within nbsync's filters (netbox.filters)");
  m_reported = true;
  m_queue.finish(m_taken.all());
  release_found();
}

void CycleBackupNow::release_found() {
  m_found.take_unended();
  m_queue.finish(m_found.all());
}

void CycleBackupNow::deliver_answers(std::stop_token stop) {
  const int answered = m_answered.load();
  if (!m_deliver || answered == m_delivered) {
    return;
  }
  m_delivered = answered;
  m_deliver(std::move(stop));
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
