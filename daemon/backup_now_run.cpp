#include "daemon/backup_now_run.hpp"

#include "daemon/backup_now_results.hpp"

namespace nbsync::daemon {

void run_backup_now(const Config& config, const std::vector<BackupNowRequest>& requests, CycleOptions options,
                    CycleSummary& summary) {
  BackupNowRequests served;
  served.add(requests);
  for (const auto& request : requests) {
    options.only_devices.push_back(request.device_id);
  }
  options.outbox_rows_for = [&served](std::int64_t id, OutcomeKind kind, const std::string& message) {
    return served.rows_for(id, kind, message);
  };
  options.before_delivery = [&] {
    served.end_unreached(config,
                         "not backed up: NetBox did not list the device within nbsync's filters (netbox.filters)");
  };
  try {
    run_backup_cycle(config, options, summary);
  } catch (const std::exception& e) {
    served.end_unreached(config, std::string("not backed up: nbsync failed: ") + e.what());
    throw;
  }
}

}  // namespace nbsync::daemon
