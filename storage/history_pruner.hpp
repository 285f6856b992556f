#pragma once
// Retention of config history. A version is pruned when the device has more than
// `keep_versions` newer ones, or when it was replaced by the next version more than
// `keep_days` ago (so every config that was current within the window stays readable).
// The latest version of a device is never pruned. Blobs no snapshot needs are deleted, and
// a delta whose base is no longer needed is first rewritten as a full copy, so no delta
// is ever left without its base. 0 turns a limit off.
#include <cstdint>

#include "storage/database.hpp"

namespace nbsync::storage {

struct RetentionPolicy {
  std::int64_t keep_versions = 0;
  std::int64_t keep_days = 0;
  bool enabled() const { return keep_versions > 0 || keep_days > 0; }
};

struct PruneResult {
  std::int64_t snapshots = 0;  // versions removed
  std::int64_t blobs = 0;      // stored texts removed
  std::int64_t rebased = 0;    // deltas rewritten as full copies
};

// One transaction, on either backend; throws DatabaseError naming the database (and rolls
// back) on failure. Collectors sharing a PostgreSQL database prune one at a time.
PruneResult prune_history(Database& database, const RetentionPolicy& policy, std::int64_t now);

}  // namespace nbsync::storage
