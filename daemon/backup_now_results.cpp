#include "daemon/backup_now_results.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "daemon/cycle_settings.hpp"
#include "notify/backup_now_report.hpp"
#include "storage/outbox.hpp"
#include "types/device_label.hpp"

namespace nbsync::daemon {

namespace {

notify::BackupNowOutcome outcome_of(OutcomeKind kind, const std::string& message) {
  if (kind == OutcomeKind::ok) {
    return {true, "backed up (a change in its configuration has its own entry)"};
  }
  if (kind == OutcomeKind::skipped) {
    return {false, "not backed up: skipped: " + message};
  }
  return {false, "not backed up: " + std::string(to_string(kind)) + ": " + message};
}

std::vector<storage::OutboxRow> ended(const BackupNowRequest& request, const notify::BackupNowOutcome& outcome) {
  spdlog::info("backup now: {} (asked by {}): {}", device_label(request.device_name, request.device_id),
               request.username, outcome.text);
  return notify::backup_now_rows(request, outcome);
}

}  // namespace

void BackupNowRequests::add(const std::vector<BackupNowRequest>& requests) {
  std::lock_guard lock(m_mutex);
  for (const auto& request : requests) {
    m_requests.emplace(request.device_id, Pending{request, false});
  }
}

void BackupNowRequests::remove(const std::vector<BackupNowRequest>& requests) {
  std::lock_guard lock(m_mutex);
  for (const auto& request : requests) {
    m_requests.erase(request.device_id);
  }
}

bool BackupNowRequests::has(std::int64_t device_id) const {
  std::lock_guard lock(m_mutex);
  return m_requests.count(device_id) != 0;
}

std::vector<BackupNowRequest> BackupNowRequests::all() const {
  std::lock_guard lock(m_mutex);
  std::vector<BackupNowRequest> out;
  for (const auto& [id, pending] : m_requests) {
    out.push_back(pending.request);
  }
  return out;
}

std::vector<storage::OutboxRow> BackupNowRequests::rows_for(std::int64_t device_id, OutcomeKind kind,
                                                            const std::string& message) {
  std::lock_guard lock(m_mutex);
  const auto it = m_requests.find(device_id);
  if (it == m_requests.end() || it->second.ended) {
    return {};
  }
  it->second.ended = true;
  return ended(it->second.request, outcome_of(kind, message));
}

std::vector<BackupNowRequest> BackupNowRequests::take_unended() {
  std::lock_guard lock(m_mutex);
  std::vector<BackupNowRequest> out;
  for (auto& [id, pending] : m_requests) {
    if (!pending.ended) {
      pending.ended = true;
      out.push_back(pending.request);
    }
  }
  return out;
}

void BackupNowRequests::end_unreached(const Config& config, const std::string& missing) {
  std::vector<storage::OutboxRow> rows;
  {
    std::lock_guard lock(m_mutex);
    for (auto& [id, pending] : m_requests) {
      if (!pending.ended) {
        pending.ended = true;
        for (auto& row : ended(pending.request, {false, missing})) {
          rows.push_back(std::move(row));
        }
      }
    }
  }
  if (rows.empty()) {
    return;
  }
  try {
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    storage::open_outbox(cycle_database(config))->add(rows, now);
  } catch (const std::exception& e) {
    spdlog::error("backup now: {} request(s) could not be reported: {}", rows.size() / 2, e.what());
  }
}

}  // namespace nbsync::daemon
