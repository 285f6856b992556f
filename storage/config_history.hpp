#pragma once
// Read-only questions about stored configs: a device's versions, one version's text, the
// diff between two versions, and which devices changed in a time window. Version numbers
// count a device's snapshots from 1 in the order they were stored (oldest first), so they
// stay stable as new versions arrive. Either backend (the statement layer); every method
// throws DatabaseError naming the database.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/device_filter.hpp"

namespace nbsync::storage {

// One stored version of one device's config.
struct ConfigVersion {
  std::int64_t number = 0;  // 1..n, oldest first
  std::int64_t snapshot_id = 0;
  std::int64_t taken_at = 0;  // unix seconds, UTC
  std::int64_t size = 0;      // bytes
  std::string sha256;
  std::int64_t line_count = 0;
  std::int64_t lines_added = 0;  // versus the previous version; the first counts every line
  std::int64_t lines_removed = 0;
};

// The unified diff between two versions of one device's config ("" when equal).
struct ConfigDiff {
  ConfigVersion from;
  ConfigVersion to;
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  std::string text;  // hunks only ("@@ ..." and the lines), without "---"/"+++" headers
};

// One device that got new versions in a window. A device's first version is its first
// backup, not a change, so it is never counted here.
struct DeviceChanges {
  std::int64_t device_id = 0;
  std::string name;
  std::string site;
  std::string platform;
  std::string role;
  std::int64_t versions = 0;  // new versions stored in the window
  std::int64_t lines_added = 0;
  std::int64_t lines_removed = 0;
  std::int64_t last_change_at = 0;  // unix seconds of the newest of them
};

class ConfigHistory {
public:
  // Keeps `database` by reference (its connection prepares each statement once).
  explicit ConfigHistory(Database& database);

  // Every version of the device, oldest first (empty for a device with no backup).
  std::vector<ConfigVersion> versions(std::int64_t device_id);
  // Version `number` (1..n), or nullopt when the device has no such version.
  std::optional<ConfigVersion> version(std::int64_t device_id, std::int64_t number);
  // The version that was current at `at` (the newest taken at or before it), or nullopt
  // when the device had no backup yet then.
  std::optional<ConfigVersion> version_at(std::int64_t device_id, std::int64_t at);
  // The stored text of a version.
  std::string text(const ConfigVersion& version);
  // The whole unified diff (dtl) from `from` to `to`, three lines of context.
  ConfigDiff diff(const ConfigVersion& from, const ConfigVersion& to);
  // Devices with new versions taken at or after `since` and before `before` (unix seconds),
  // by name; their counts are those of the versions in that window.
  std::vector<DeviceChanges> changes_since(std::int64_t since, const DeviceFilter& filter = {},
                                           std::int64_t before = std::numeric_limits<std::int64_t>::max());

private:
  Database& m_database;
};

}  // namespace nbsync::storage
