#pragma once
// What NetBox should learn about one device after an attempt, as outbox rows: its custom
// fields when NetBox shows something else than the database says (read during the walk;
// without that, when something a user would notice changed), "last backup" at most once
// per refresh period, and journal entries when its config changed, when it starts
// failing and when it recovers. Called by the storage writer inside its transaction.
#include <chrono>
#include <string>

#include "storage/notification_hooks.hpp"

namespace nbsync::notify {

// The custom fields nbsync writes on dcim.device (created by `nbsync netbox-setup`).
inline constexpr const char* k_field_status = "nbsync_backup_status";
inline constexpr const char* k_field_last_backup = "nbsync_last_backup";
inline constexpr const char* k_field_last_change = "nbsync_last_change";
inline constexpr const char* k_field_config_hash = "nbsync_config_hash";
inline constexpr const char* k_field_last_error = "nbsync_last_error";
inline constexpr const char* k_field_compliance = "nbsync_compliance";
inline constexpr const char* k_field_drift = "nbsync_drift";  // notify/drift_report.hpp

// nbsync_config_hash holds the first 12 hex digits of the config's SHA-256, as the viewer
// shows a version: the whole 64 overflowed the device page's custom field column. The
// journal entry of a change and the viewer's version page show it whole.
inline constexpr std::size_t k_config_hash_shown = 12;
std::string shown_config_hash(const std::string& sha256);

struct NetboxStatusOptions {
  std::chrono::seconds last_backup_refresh{std::chrono::hours(24)};
  bool include_diff = true;  // false when configs are stored unmasked: no config text leaves nbsync
  std::size_t diff_lines = 20;
};

storage::DeviceNotification netbox_status_rows(const storage::StateChange& change, const NetboxStatusOptions& options);

}  // namespace nbsync::notify
