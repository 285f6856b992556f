#pragma once
// Stores compliance results per snapshot (compliance_results) and reads back the device
// facts a rule scope needs. Used by SnapshotStore inside its transaction.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/compliance_hooks.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage::detail {

class ComplianceWrites {
public:
  explicit ComplianceWrites(SQLite::Database& db);
  bool has_results(std::int64_t snapshot_id, const std::string& rules_digest);
  void insert(std::int64_t snapshot_id, const std::string& rules_digest, const std::vector<ComplianceCheck>& checks,
              std::int64_t now);
  std::optional<DeviceRecord> device(std::int64_t device_id);

private:
  SQLite::Statement m_has;
  SQLite::Statement m_insert;
  SQLite::Statement m_device;
};

}  // namespace nbsync::storage::detail
