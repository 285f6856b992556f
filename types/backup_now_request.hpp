#pragma once
// A NetBox user's "back up this device now", as a signed webhook said it (web/ makes it,
// the daemon backs the device up, notify/ clears the trigger and writes the journal).
// `trigger` is what the user set and what nbsync clears when done.
#include <cstdint>
#include <string>

namespace nbsync {

enum class BackupNowTrigger { tag, custom_field };

// The tag and the boolean custom field a NetBox user sets on a device to ask for a backup.
inline constexpr const char* k_backup_now_tag = "backup-now";
inline constexpr const char* k_backup_now_field = "nbsync_backup_now";

struct BackupNowRequest {
  std::int64_t device_id = 0;
  std::string device_name;  // as the payload named it, for log lines
  std::string username;     // the NetBox user whose change sent the webhook
  std::string request_id;   // NetBox's request id (one API request)
  BackupNowTrigger trigger = BackupNowTrigger::custom_field;
};

inline const char* to_string(BackupNowTrigger trigger) {
  return trigger == BackupNowTrigger::tag ? "tag backup-now" : "custom field nbsync_backup_now";
}

}  // namespace nbsync
