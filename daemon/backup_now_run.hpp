#pragma once
// A run of just the devices NetBox users asked to back up now: the cycle's steps for those
// devices alone (read from NetBox by id, within netbox.filters; backed up through the pool,
// stored, no device retired). Each request's end (its trigger cleared, its journal entry:
// notify/backup_now_report.hpp) goes into the outbox with its device's attempt, ahead of the
// status writes; a device the run never reached gets its rows at the run's end.
#include <vector>

#include "daemon/backup_cycle.hpp"
#include "types/backup_now_request.hpp"

namespace nbsync::daemon {

// `options` as for a cycle (stop, abandon, metrics callbacks). Throws as run_backup_cycle.
void run_backup_now(const Config& config, const std::vector<BackupNowRequest>& requests, CycleOptions options,
                    CycleSummary& summary);

}  // namespace nbsync::daemon
