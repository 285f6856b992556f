#include "daemon/backup_now_run.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

#include "notify/backup_now_report.hpp"
#include "types/device_label.hpp"

namespace nbsync::daemon {
namespace {

// Each requested device's end, as the cycle reports it (from worker threads).
class RequestedResults {
public:
  void record(std::int64_t device_id, OutcomeKind kind, const std::string& message) {
    std::lock_guard lock(m_mutex);
    if (kind == OutcomeKind::ok) {
      m_outcomes[device_id] = {true, "backed up (a change in its configuration has its own entry)"};
    } else if (kind == OutcomeKind::skipped) {
      m_outcomes[device_id] = {false, "not backed up: skipped: " + message};
    } else {
      m_outcomes[device_id] = {false, "not backed up: " + std::string(to_string(kind)) + ": " + message};
    }
  }

  // `missing`: what to say of a device the run never reached.
  notify::BackupNowOutcome of(std::int64_t device_id, const std::string& missing) const {
    std::lock_guard lock(m_mutex);
    if (const auto it = m_outcomes.find(device_id); it != m_outcomes.end()) {
      return it->second;
    }
    return {false, missing};
  }

private:
  mutable std::mutex m_mutex;
  std::map<std::int64_t, notify::BackupNowOutcome> m_outcomes;
};

void report_all(const Config& config, const std::vector<BackupNowRequest>& requests, const RequestedResults& results,
                const std::string& missing) {
  const auto netbox = netbox_endpoint(config);
  for (const auto& request : requests) {
    const auto outcome = results.of(request.device_id, missing);
    spdlog::info("backup now: {} (asked by {}): {}", device_label(request.device_name, request.device_id),
                 request.username, outcome.text);
    notify::report_backup_now(netbox, request, outcome);
  }
}

}  // namespace

void run_backup_now(const Config& config, const std::vector<BackupNowRequest>& requests, CycleOptions options,
                    CycleSummary& summary) {
  RequestedResults results;
  for (const auto& request : requests) {
    options.only_devices.push_back(request.device_id);
  }
  auto on_result = std::move(options.on_result);
  options.on_result = [&results, on_result](std::int64_t id, OutcomeKind kind, const std::string& message) {
    results.record(id, kind, message);
    if (on_result) {
      on_result(id, kind, message);
    }
  };
  bool reported = false;
  options.before_delivery = [&] {
    report_all(config, requests, results,
               "not backed up: NetBox did not list the device within nbsync's filters (netbox.filters)");
    reported = true;
  };
  try {
    run_backup_cycle(config, options, summary);
  } catch (const std::exception& e) {
    if (!reported) {
      report_all(config, requests, RequestedResults(), std::string("not backed up: nbsync failed: ") + e.what());
    }
    throw;
  }
}

}  // namespace nbsync::daemon
