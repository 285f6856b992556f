#include "storage/compliance_history.hpp"

#include <SQLiteCpp/Statement.h>

#include <nlohmann/json.hpp>

#include <algorithm>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {
namespace {

// SQLite gives the bare column `c.passed` from the row holding max(c.checked_at).
constexpr const char* k_failing_since_sql = R"sql(
  WITH checked AS (
    SELECT s.id, s.taken_at, c.passed, max(c.checked_at)
      FROM snapshots s JOIN compliance_results c ON c.snapshot_id = s.id
     WHERE s.device_id = ?1 AND c.rule = ?2
     GROUP BY s.id)
  SELECT min(taken_at) FROM checked
   WHERE passed = 0 AND id > coalesce((SELECT max(id) FROM checked WHERE passed = 1), 0)
     AND NOT EXISTS (SELECT 1 FROM checked newest WHERE newest.passed = 1
                      AND newest.id = (SELECT max(id) FROM checked))
)sql";

// A version checked by several rule sets counts with the newest one's results.
constexpr const char* k_newest_rule_set = R"sql(
  c.rules_digest = (SELECT n.rules_digest FROM compliance_results n WHERE n.snapshot_id = c.snapshot_id
                     ORDER BY n.checked_at DESC LIMIT 1)
)sql";

constexpr const char* k_by_snapshot_sql = R"sql(
  SELECT c.snapshot_id, c.rule, c.severity, c.passed, c.problems, c.checked_at
    FROM snapshots s JOIN compliance_results c ON c.snapshot_id = s.id
   WHERE s.device_id = ?1 AND )sql";

constexpr const char* k_latest_sql = R"sql(
  WITH latest AS (SELECT device_id, max(id) AS snapshot_id FROM snapshots GROUP BY device_id)
  SELECT c.snapshot_id, c.rule, c.severity, c.passed, c.problems, c.checked_at, d.id, d.name, d.site
    FROM latest l JOIN devices d ON d.id = l.device_id JOIN compliance_results c ON c.snapshot_id = l.snapshot_id
   WHERE d.retired_at IS NULL AND )sql";

// Columns 0-5 of the queries above.
ComplianceCheck check_from(SQLite::Statement& select) {
  ComplianceCheck check;
  check.rule = select.getColumn(1).getString();
  check.severity = select.getColumn(2).getString();
  check.passed = select.getColumn(3).getInt() != 0;
  const auto problems = nlohmann::json::parse(select.getColumn(4).getString(), nullptr, false);
  if (problems.is_array()) {
    for (const auto& problem : problems) {
      check.problems.push_back(problem.is_string() ? problem.get<std::string>() : problem.dump());
    }
  }
  return check;
}

}  // namespace

std::optional<std::int64_t> compliance_failing_since(Database& database, std::int64_t device_id,
                                                     const std::string& rule) {
  try {
    SQLite::Statement select(database.sqlite(), k_failing_since_sql);
    select.bind(1, device_id);
    select.bind(2, rule);
    if (select.executeStep() && !select.getColumn(0).isNull()) {
      return select.getColumn(0).getInt64();
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading compliance history", e);
  }
}

std::map<std::int64_t, std::vector<ComplianceCheck>> compliance_by_snapshot(Database& database,
                                                                            std::int64_t device_id) {
  try {
    SQLite::Statement select(database.sqlite(),
                             std::string(k_by_snapshot_sql) + k_newest_rule_set + " ORDER BY c.snapshot_id, c.rule");
    select.bind(1, device_id);
    std::map<std::int64_t, std::vector<ComplianceCheck>> out;
    while (select.executeStep()) {
      out[select.getColumn(0).getInt64()].push_back(check_from(select));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading a device's compliance results", e);
  }
}

void visit_latest_compliance(Database& database, const std::function<void(const DeviceComplianceState&)>& visit) {
  try {
    SQLite::Statement select(database.sqlite(),
                             std::string(k_latest_sql) + k_newest_rule_set + " ORDER BY d.name, d.id, c.rule");
    DeviceComplianceState device;
    while (select.executeStep()) {
      const std::int64_t id = select.getColumn(6).getInt64();
      if (id != device.device_id && device.device_id != 0) {
        visit(device);
        device = {};
      }
      device.device_id = id;
      device.name = select.getColumn(7).getString();
      device.site = select.getColumn(8).getString();
      device.snapshot_id = select.getColumn(0).getInt64();
      device.checked_at = std::max(device.checked_at, select.getColumn(5).getInt64());
      device.checks.push_back(check_from(select));
    }
    if (device.device_id != 0) {
      visit(device);
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the compliance report", e);
  }
}

}  // namespace nbsync::storage
