#pragma once
// The end of a NetBox user's "back up now", as outbox rows (durable: a NetBox outage delays
// them, never loses them): first clearing the trigger the user set (kind "clear_trigger":
// the backup-now tag removed, or nbsync_backup_now set false, with nbsync's own token), then
// the journal entry on the device naming who asked and what came of it. They go into the
// outbox ahead of the run's status writes of that device, and the sender clears triggers
// before it writes fields, so none of nbsync's own writes matches the event rule again.
#include <optional>
#include <string>
#include <vector>

#include "storage/notification_hooks.hpp"
#include "storage/outbox.hpp"
#include "types/backup_now_request.hpp"

namespace nbsync::notify {

inline constexpr const char* k_clear_trigger_kind = "clear_trigger";

struct BackupNowOutcome {
  bool ok = false;
  std::string text;  // "backed up" or why not, for the journal entry
};

// The rows that end `request`: clear its trigger, then the journal entry (its nbsync ref
// names the request, so a resend that may have arrived is looked up, not doubled).
std::vector<storage::OutboxRow> backup_now_rows(const BackupNowRequest& request, const BackupNowOutcome& outcome);

// The journal entry's text, e.g. "Back up now, asked by alice (tag backup-now): backed up."
std::string backup_now_journal_text(const BackupNowRequest& request, const BackupNowOutcome& outcome);

// What a clear_trigger row asks: the device, and whether to remove the tag (else untick the field).
struct TriggerToClear {
  std::int64_t device_id = 0;
  BackupNowTrigger trigger = BackupNowTrigger::custom_field;
};
// nullopt when the payload is not one backup_now_rows() wrote.
std::optional<TriggerToClear> trigger_to_clear(const storage::OutboxEntry& row);

}  // namespace nbsync::notify
