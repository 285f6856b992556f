#include "storage/compliance_report.hpp"

#include <algorithm>
#include <tuple>

#include "storage/detail/compliance_verdicts.hpp"
#include "storage/detail/newest_compliance.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

// Devices with the same verdicts, counted together (the covering index by verdicts).
constexpr const char* k_verdict_groups_sql = "SELECT verdicts, count(*) FROM compliance_latest GROUP BY verdicts";

// The retired devices' verdicts, to take away (devices_retired holds only the retired).
constexpr const char* k_retired_sqlite = R"sql(
  SELECT c.verdicts FROM devices d INDEXED BY devices_retired JOIN compliance_latest c ON c.device_id = d.id
   WHERE d.retired_at IS NOT NULL
)sql";
constexpr const char* k_retired_postgres = R"sql(
  SELECT c.verdicts FROM devices d JOIN compliance_latest c ON c.device_id = d.id
   WHERE d.retired_at IS NOT NULL
)sql";

constexpr const char* k_current_verdicts_sql = R"sql(
  SELECT c.verdicts FROM compliance_latest c JOIN devices d ON d.id = c.device_id
   WHERE c.device_id = ?1 AND d.retired_at IS NULL
)sql";

// compliance_latest_failing holds only the devices failing a rule: read first (SQLite's
// CROSS JOIN keeps that order of loops, rather than walking every device by name), then
// sorted by name as the devices table sorts them (on PostgreSQL, its collation).
constexpr const char* k_failing_sqlite = R"sql(
  SELECT d.id, d.name, d.site
    FROM compliance_latest c INDEXED BY compliance_latest_failing CROSS JOIN devices d
   WHERE d.id = c.device_id AND c.failed > 0 AND d.retired_at IS NULL
   ORDER BY d.name, d.id
)sql";
constexpr const char* k_failing_postgres = R"sql(
  SELECT d.id, d.name, d.site
    FROM compliance_latest c JOIN devices d ON d.id = c.device_id
   WHERE c.failed > 0 AND d.retired_at IS NULL
   ORDER BY d.name, d.id
)sql";
constexpr const char* k_failing_one_sql = R"sql(
  SELECT d.id, d.name, d.site FROM compliance_latest c JOIN devices d ON d.id = c.device_id
   WHERE c.device_id = ?1 AND c.failed > 0 AND d.retired_at IS NULL
)sql";

DeviceComplianceState failing_from(const detail::SqlRows& row) {
  return {row.integer(0), row.text(1), row.text(2), 0, 0, {}};
}

// Counts `devices` more devices with these verdicts (fewer when negative).
void count(ComplianceTotals& totals, const std::string& verdicts, std::int64_t devices) {
  const std::vector<ComplianceCheck> checks = detail::parse_verdicts(verdicts);
  if (checks.empty()) {
    return;
  }
  totals.devices += devices;
  for (const auto& check : checks) {
    RuleCount& rule = totals.rules[check.rule];
    rule.severity = check.severity;
    rule.checked += devices;
    rule.failed += check.passed ? 0 : devices;
  }
}

// Adds (`sign` 1) or takes away (-1) the verdicts of each current device in `ids`.
void count_each(detail::SqlConnection& sql, ComplianceTotals& totals, std::span<const std::int64_t> ids,
                std::int64_t sign) {
  for (const std::int64_t id : ids) {
    const std::unique_ptr<detail::SqlRows> row = sql.query(k_current_verdicts_sql, detail::SqlParams().add(id));
    if (row->next()) {
      count(totals, row->text(0), sign);
    }
  }
}

// Rules no device is counted for any more (all taken away) are not in the report.
void drop_empty(ComplianceTotals& totals) {
  std::erase_if(totals.rules, [](const auto& entry) { return entry.second.checked <= 0; });
}

}  // namespace

ComplianceTotals compliance_totals_except(Database& database, std::span<const std::int64_t> except) {
  detail::SqlConnection& sql = database.connection();
  try {
    ComplianceTotals totals;
    sql.begin_read();
    {
      const std::unique_ptr<detail::SqlRows> groups = sql.query(k_verdict_groups_sql);
      while (groups->next()) {
        count(totals, groups->text(0), groups->integer(1));
      }
      const std::unique_ptr<detail::SqlRows> retired =
          sql.query(sql.backend() == detail::SqlBackend::sqlite ? k_retired_sqlite : k_retired_postgres);
      while (retired->next()) {
        count(totals, retired->text(0), -1);
      }
    }
    count_each(sql, totals, except, -1);
    sql.commit();
    drop_empty(totals);
    return totals;
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "counting the compliance report", e);
  }
}

ComplianceTotals compliance_totals_of(Database& database, std::span<const std::int64_t> only) {
  detail::SqlConnection& sql = database.connection();
  try {
    ComplianceTotals totals;
    count_each(sql, totals, only, 1);
    return totals;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "counting the compliance report", e);
  }
}

std::vector<DeviceComplianceState> failing_compliance(Database& database,
                                                      const std::function<bool(std::int64_t device_id)>& wanted) {
  detail::SqlConnection& sql = database.connection();
  try {
    std::vector<DeviceComplianceState> failing;
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(sql.backend() == detail::SqlBackend::sqlite ? k_failing_sqlite : k_failing_postgres);
    while (rows->next()) {
      if (!wanted || wanted(rows->integer(0))) {
        failing.push_back(failing_from(*rows));
      }
    }
    return failing;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "listing the devices failing compliance", e);
  }
}

std::vector<DeviceComplianceState> failing_compliance_of(Database& database, std::span<const std::int64_t> only) {
  detail::SqlConnection& sql = database.connection();
  try {
    std::vector<DeviceComplianceState> failing;
    for (const std::int64_t id : only) {
      const std::unique_ptr<detail::SqlRows> row = sql.query(k_failing_one_sql, detail::SqlParams().add(id));
      if (row->next()) {
        failing.push_back(failing_from(*row));
      }
    }
    std::sort(failing.begin(), failing.end(), [](const auto& a, const auto& b) {
      return std::tie(a.name, a.device_id) < std::tie(b.name, b.device_id);
    });
    return failing;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "listing the devices failing compliance", e);
  }
}

void read_newest_checks(Database& database, DeviceComplianceState& device) {
  detail::SqlConnection& sql = database.connection();
  try {
    device.checks.clear();
    device.checked_at = 0;
    detail::read_newest_rule_set(sql, device);
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the compliance results of device " + std::to_string(device.device_id), e);
  }
}

}  // namespace nbsync::storage
