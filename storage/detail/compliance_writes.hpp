#pragma once
// Stores compliance results per snapshot (compliance_results) and reads back the device
// facts a rule scope needs, and keeps compliance_latest (each device's verdicts on its newest
// version, what the compliance report reads) in step. Used by SnapshotStore inside its
// transaction, on either backend.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage::detail {

class ComplianceWrites {
public:
  // Keeps `sql` by reference: writes go into its current transaction.
  explicit ComplianceWrites(SqlConnection& sql);
  bool has_results(std::int64_t snapshot_id, const std::string& rules_digest);
  void insert(std::int64_t snapshot_id, const std::string& rules_digest, const std::vector<ComplianceCheck>& checks,
              std::int64_t now);
  std::optional<DeviceRecord> device(std::int64_t device_id);
  // After results were stored for the device's newest version: its compliance_latest row
  // from them (as detail/newest_compliance.hpp reads them), or none when there are none.
  void refresh_latest(std::int64_t device_id);
  // After a new version was stored: it has no results yet, so the device has no row.
  void forget_latest(std::int64_t device_id);

private:
  SqlConnection& m_sql;
};

}  // namespace nbsync::storage::detail
