#pragma once
// What one device's attempt in a run produced, handed to storage once it is final.
// `config` is the normalized, masked text and is present exactly when outcome is ok: a
// config that did not arrive whole is never stored (storage ignores it for other outcomes).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/notification_hooks.hpp"
#include "types/outcome_kind.hpp"

namespace nbsync::storage {

struct AttemptRecord {
  std::int64_t device_id = 0;  // NetBox id; the device must have been upserted first
  OutcomeKind outcome = OutcomeKind::ok;
  std::string message;    // names the device and what to do; never a secret
  std::string jump_host;  // the bastion whose failure this is ("" when the device's own)
  int tries = 1;          // connection attempts made, retries included
  std::chrono::milliseconds duration{0};
  std::int64_t bytes = 0;  // bytes read from the device
  std::optional<std::string> config;
  std::string mask_key;              // id of the key config's secrets are tagged under ("" for none)
  std::optional<std::string> shown;  // what NetBox shows of nbsync's fields now (StateChange::shown)
  // Outbox rows written with the attempt, ahead of the ones it causes itself: the end of a
  // "back up now" request for this device (notify/backup_now_report.hpp).
  std::vector<OutboxRow> outbox_first;
};

}  // namespace nbsync::storage
