#pragma once
// One Slack message per cycle, only when something changed, started failing or recovered:
// the counts, then the first devices of each kind with a link to their NetBox page, long
// lists cut with "and N more". One outbox row per configured webhook.
#include <string>
#include <vector>

#include "storage/notification_hooks.hpp"

namespace nbsync::notify {

// `netbox_url` makes device links (<url>/dcim/devices/<id>/); `webhooks` are names.
std::vector<storage::OutboxRow> slack_summary_rows(const storage::RunDigest& digest, const std::string& netbox_url,
                                                   const std::vector<std::string>& webhooks);

}  // namespace nbsync::notify
