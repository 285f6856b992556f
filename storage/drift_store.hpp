#pragma once
// Drift from the intended config, stored per version: what the cycle's drift check needs
// (each device's latest version, its text and when it was last checked) and records (the
// verdict with its lines, the device's latest verdict, and the NetBox writes that tell of
// it, in one transaction), and what `nbsync drift` and the viewer read back (a device's
// verdict per version; the fleet's counts by site, role or platform). Throws DatabaseError.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/device_filter.hpp"
#include "storage/notification_hooks.hpp"

namespace nbsync::storage {

// One check of one version: "in_sync", "differs" or "no_template".
struct DriftVerdict {
  std::string status;
  std::int64_t missing = 0;
  std::int64_t extra = 0;
  std::string lines = "[]";  // JSON array of {"kind": "missing"|"extra", "section", "line"}
};

struct StoredDrift {
  std::int64_t version = 0;  // the version number (1..n, oldest first)
  std::int64_t snapshot_id = 0;
  std::int64_t taken_at = 0;
  std::int64_t checked_at = 0;
  DriftVerdict verdict;
};

// A device's newest version as the drift check sees it (its text is read only when needed:
// DriftStore::text).
struct DriftCandidate {
  std::int64_t snapshot_id = 0;
  std::string sha256;                      // the version's config blob
  std::optional<std::int64_t> checked_at;  // when this version was last checked; none: never
  std::string device_drift;                // device_states.drift: what NetBox was last told
};

// One verdict to store, with the device's NetBox field value and the writes that tell of it.
struct DriftRecord {
  std::int64_t device_id = 0;
  std::int64_t snapshot_id = 0;
  DriftVerdict verdict;
  std::string field_value;
  std::vector<OutboxRow> rows;
};

// A device whose newest version has a verdict.
struct DeviceDrift {
  std::int64_t device_id = 0;
  std::string name;
  std::string site;
  std::string role;
  std::string platform;
  std::string status;
  std::int64_t missing = 0;
  std::int64_t extra = 0;
};

class DriftStore {
public:
  explicit DriftStore(Database& database);

  // None when the device has no stored version. One query.
  std::optional<DriftCandidate> candidate(std::int64_t device_id);
  // The same for each of `device_ids`, in their order, in one query.
  std::vector<std::optional<DriftCandidate>> candidates(std::span<const std::int64_t> device_ids);
  // The candidate version's text, normalized and masked as stored.
  std::string text(const DriftCandidate& candidate);
  // Stores each verdict for its snapshot (replacing an earlier one), the device's field
  // value and its NetBox writes, all in one transaction (a cycle records a batch at a time:
  // one commit, not one per device).
  void record(const std::vector<DriftRecord>& records, std::int64_t at);
  // One verdict, in a transaction of its own.
  void record(std::int64_t device_id, std::int64_t snapshot_id, const DriftVerdict& verdict, std::int64_t at,
              const std::string& field_value, const std::vector<OutboxRow>& rows);
  // The device's checked versions, newest first.
  std::vector<StoredDrift> history(std::int64_t device_id);
  // Devices NetBox still lists whose newest version has a verdict, by name.
  std::vector<DeviceDrift> latest(const DeviceFilter& filter);

private:
  Database& m_database;
};

}  // namespace nbsync::storage
