#include "storage/detail/compliance_writes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "storage/detail/device_columns.hpp"
#include "storage/detail/statement_use.hpp"

namespace nbsync::storage {

std::string compliance_summary(const std::vector<ComplianceCheck>& checks) {
  if (checks.empty()) {
    return "";
  }
  std::vector<std::string> failed;
  for (const auto& check : checks) {
    if (!check.passed) {
      failed.push_back(check.rule);
    }
  }
  if (failed.empty()) {
    return "pass";
  }
  std::sort(failed.begin(), failed.end());
  std::string summary = "fail: ";
  for (std::size_t i = 0; i < failed.size(); ++i) {
    summary.append(i == 0 ? "" : ", ").append(failed[i]);
  }
  return summary;
}

namespace detail {
namespace {

constexpr const char* k_has_sql =
    "SELECT 1 FROM compliance_results WHERE snapshot_id = ?1 AND rules_digest = ?2 LIMIT 1";
constexpr const char* k_insert_sql = R"sql(
  INSERT OR REPLACE INTO compliance_results (snapshot_id, rules_digest, rule, severity, passed, problems, checked_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
)sql";
constexpr const char* k_device_sql =
    "SELECT id, name, site, role, platform, tenant, status, address, tags FROM devices WHERE id = ?1";

}  // namespace

ComplianceWrites::ComplianceWrites(SQLite::Database& db)
    : m_has(db, k_has_sql), m_insert(db, k_insert_sql), m_device(db, k_device_sql) {}

bool ComplianceWrites::has_results(std::int64_t snapshot_id, const std::string& rules_digest) {
  StatementUse select(m_has);
  select->bind(1, snapshot_id);
  select->bind(2, rules_digest);
  return select->executeStep();
}

void ComplianceWrites::insert(std::int64_t snapshot_id, const std::string& rules_digest,
                              const std::vector<ComplianceCheck>& checks, std::int64_t now) {
  for (const auto& check : checks) {
    StatementUse insert(m_insert);
    insert->bind(1, snapshot_id);
    insert->bind(2, rules_digest);
    insert->bind(3, check.rule);
    insert->bind(4, check.severity);
    insert->bind(5, check.passed ? 1 : 0);
    insert->bind(6, nlohmann::json(check.problems).dump());
    insert->bind(7, now);
    insert->exec();
  }
}

std::optional<DeviceRecord> ComplianceWrites::device(std::int64_t device_id) {
  StatementUse select(m_device);
  select->bind(1, device_id);
  if (!select->executeStep()) {
    return std::nullopt;
  }
  return device_from_columns(*select);
}

}  // namespace detail
}  // namespace nbsync::storage
