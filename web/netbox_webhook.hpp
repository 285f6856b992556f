#pragma once
// What a NetBox webhook (already authenticated) asks of nbsync. NetBox's payload is
// {event, timestamp, model, username, request_id, data, snapshots}; a device ("device" in
// 3.7 and 4.x, "dcim.device" accepted too) whose data still carries the trigger (the
// backup-now tag, or nbsync_backup_now true) asks for a backup. Anything else is ignored
// with a reason: another model, a deleted device, a trigger already cleared (nbsync's
// own write after a backup, or an older webhook arriving late), or a trigger that was
// already set before the change (snapshots.prechange has it: any later write to a device
// still tagged fires the rule again, nbsync's own status writes included). Such a trigger
// is a request already made: its webhook is in nbsync's queue, or nbsync missed it and the
// next cycle finds the trigger set on the device (daemon/cycle_backup_now.hpp).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "types/backup_now_request.hpp"

namespace nbsync::web {

struct NetboxWebhook {
  enum class Verdict { backup, ignore, malformed };
  Verdict verdict = Verdict::malformed;
  std::string reason;  // why ignored or malformed: names the field, never quotes the body
  BackupNowRequest request;
  std::optional<std::chrono::system_clock::time_point> timestamp;  // NetBox's, when it parsed
};

NetboxWebhook read_netbox_webhook(std::string_view body);

// NetBox's timestamp: Python's str(datetime) "2026-12-07 01:48:49.123456+00:00", or ISO
// 8601 ("T", "Z"); fractions optional. nullopt when it is not one of those.
std::optional<std::chrono::system_clock::time_point> parse_netbox_timestamp(std::string_view text);

}  // namespace nbsync::web
