#include "storage/compliance_history.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

// Each checked version's result for the rule, from the newest rule set that checked it.
constexpr const char* k_failing_since_sql = R"sql(
  WITH ranked AS (
    SELECT s.id, s.taken_at, c.passed,
           row_number() OVER (PARTITION BY s.id ORDER BY c.checked_at DESC, c.rules_digest DESC) AS newness
      FROM snapshots s JOIN compliance_results c ON c.snapshot_id = s.id
     WHERE s.device_id = ?1 AND c.rule = ?2),
  checked AS (SELECT id, taken_at, passed FROM ranked WHERE newness = 1)
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
ComplianceCheck check_from(const detail::SqlRows& row) {
  ComplianceCheck check;
  check.rule = row.text(1);
  check.severity = row.text(2);
  check.passed = row.integer(3) != 0;
  const auto problems = nlohmann::json::parse(row.text(4), nullptr, false);
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
  detail::SqlConnection& sql = database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> row =
        sql.query(k_failing_since_sql, detail::SqlParams().add(device_id).add(rule));
    if (row->next() && !row->is_null(0)) {
      return row->integer(0);
    }
    return std::nullopt;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading compliance history", e);
  }
}

std::map<std::int64_t, std::vector<ComplianceCheck>> compliance_by_snapshot(Database& database,
                                                                            std::int64_t device_id) {
  detail::SqlConnection& sql = database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(std::string(k_by_snapshot_sql) + k_newest_rule_set + " ORDER BY c.snapshot_id, c.rule",
                  detail::SqlParams().add(device_id));
    std::map<std::int64_t, std::vector<ComplianceCheck>> out;
    while (rows->next()) {
      out[rows->integer(0)].push_back(check_from(*rows));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading a device's compliance results", e);
  }
}

void visit_latest_compliance(Database& database, const std::function<void(const DeviceComplianceState&)>& visit) {
  detail::SqlConnection& sql = database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(std::string(k_latest_sql) + k_newest_rule_set + " ORDER BY d.name, d.id, c.rule");
    DeviceComplianceState device;
    while (rows->next()) {
      const std::int64_t id = rows->integer(6);
      if (id != device.device_id && device.device_id != 0) {
        visit(device);
        device = {};
      }
      device.device_id = id;
      device.name = rows->text(7);
      device.site = rows->text(8);
      device.snapshot_id = rows->integer(0);
      device.checked_at = std::max(device.checked_at, rows->integer(5));
      device.checks.push_back(check_from(*rows));
    }
    if (device.device_id != 0) {
      visit(device);
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the compliance report", e);
  }
}

}  // namespace nbsync::storage
