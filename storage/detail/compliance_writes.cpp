#include "storage/detail/compliance_writes.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "storage/detail/compliance_verdicts.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/newest_compliance.hpp"

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
// A version checked again against the same rules replaces its results (both engines' upsert).
constexpr const char* k_insert_sql = R"sql(
  INSERT INTO compliance_results (snapshot_id, rules_digest, rule, severity, passed, problems, checked_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
  ON CONFLICT (snapshot_id, rules_digest, rule) DO UPDATE SET
    severity = excluded.severity, passed = excluded.passed, problems = excluded.problems,
    checked_at = excluded.checked_at
)sql";
constexpr const char* k_upsert_latest_sql = R"sql(
  INSERT INTO compliance_latest (device_id, snapshot_id, checked_at, verdicts, failed) VALUES (?1, ?2, ?3, ?4, ?5)
  ON CONFLICT (device_id) DO UPDATE SET
    snapshot_id = excluded.snapshot_id, checked_at = excluded.checked_at, verdicts = excluded.verdicts,
    failed = excluded.failed
)sql";
constexpr const char* k_delete_latest_sql = "DELETE FROM compliance_latest WHERE device_id = ?1";
constexpr const char* k_device_sql =
    "SELECT id, name, site, role, platform, tenant, status, address, tags FROM devices WHERE id = ?1";

}  // namespace

ComplianceWrites::ComplianceWrites(SqlConnection& sql) : m_sql(sql) {}

bool ComplianceWrites::has_results(std::int64_t snapshot_id, const std::string& rules_digest) {
  return m_sql.query(k_has_sql, SqlParams().add(snapshot_id).add(rules_digest))->next();
}

void ComplianceWrites::insert(std::int64_t snapshot_id, const std::string& rules_digest,
                              const std::vector<ComplianceCheck>& checks, std::int64_t now) {
  for (const auto& check : checks) {
    m_sql.execute_queued(k_insert_sql, SqlParams()
                                           .add(snapshot_id)
                                           .add(rules_digest)
                                           .add(check.rule)
                                           .add(check.severity)
                                           .add(std::int64_t{check.passed ? 1 : 0})
                                           .add(nlohmann::json(check.problems).dump())
                                           .add(now));
  }
}

std::optional<DeviceRecord> ComplianceWrites::device(std::int64_t device_id) {
  const std::unique_ptr<SqlRows> row = m_sql.query(k_device_sql, SqlParams().add(device_id));
  if (!row->next()) {
    return std::nullopt;
  }
  return device_from_columns(*row);
}

void ComplianceWrites::refresh_latest(std::int64_t device_id) {
  DeviceComplianceState latest;
  latest.device_id = device_id;
  read_newest_rule_set(m_sql, latest);
  if (latest.checks.empty()) {
    forget_latest(device_id);
    return;
  }
  const auto failed =
      std::count_if(latest.checks.begin(), latest.checks.end(), [](const auto& c) { return !c.passed; });
  m_sql.execute_queued(k_upsert_latest_sql, SqlParams()
                                                .add(device_id)
                                                .add(latest.snapshot_id)
                                                .add(latest.checked_at)
                                                .add(verdicts_text(latest.checks))
                                                .add(static_cast<std::int64_t>(failed)));
}

void ComplianceWrites::forget_latest(std::int64_t device_id) {
  m_sql.execute_queued(k_delete_latest_sql, SqlParams().add(device_id));
}

}  // namespace detail
}  // namespace nbsync::storage
