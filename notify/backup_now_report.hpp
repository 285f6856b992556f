#pragma once
// The end of a NetBox user's "back up now": nbsync clears the trigger the user set (removes
// the backup-now tag, or sets nbsync_backup_now false) with its own token, then writes a
// journal entry on the device naming who asked and what came of it. Clearing comes first
// and before the run's status writes, so that none of nbsync's own writes matches the
// event rule again. Failures are logged (one line each), never thrown: the backup is done.
#include <string>

#include "inventory/netbox_endpoint.hpp"
#include "types/backup_now_request.hpp"

namespace nbsync::notify {

struct BackupNowOutcome {
  bool ok = false;
  std::string text;  // "backed up" or why not, for the journal entry
};

void report_backup_now(const inventory::NetboxEndpoint& netbox, const BackupNowRequest& request,
                       const BackupNowOutcome& outcome);

// The journal entry's text, e.g. "Back up now, asked by alice (tag backup-now): backed up."
std::string backup_now_journal_text(const BackupNowRequest& request, const BackupNowOutcome& outcome);

}  // namespace nbsync::notify
