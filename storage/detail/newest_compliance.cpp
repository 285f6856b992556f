#include "storage/detail/newest_compliance.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace nbsync::storage::detail {
namespace {

// The results of a device's newest version, every rule set's: by rule set, then rule (the
// primary key's order: SQLite reads them so without a sort; PostgreSQL needs to be told).
constexpr const char* k_newest_results_sql = R"sql(
  SELECT snapshot_id, rule, severity, passed, problems, checked_at, rules_digest
    FROM compliance_results WHERE snapshot_id = (SELECT max(id) FROM snapshots WHERE device_id = ?1)
   ORDER BY rules_digest, rule
)sql";

}  // namespace

ComplianceCheck check_from(const SqlRows& row) {
  ComplianceCheck check;
  check.rule = row.text(1);
  check.severity = row.text(2);
  check.passed = row.integer(3) != 0;
  const std::string text = row.text(4);
  const auto problems = text == "[]" ? nlohmann::json::array() : nlohmann::json::parse(text, nullptr, false);
  if (problems.is_array()) {
    for (const auto& problem : problems) {
      check.problems.push_back(problem.is_string() ? problem.get<std::string>() : problem.dump());
    }
  }
  return check;
}

void read_newest_rule_set(SqlConnection& sql, DeviceComplianceState& device) {
  const std::unique_ptr<SqlRows> results = sql.query(k_newest_results_sql, SqlParams().add(device.device_id));
  std::string digest;
  std::vector<ComplianceCheck> checks;
  std::int64_t checked_at = 0;
  const auto keep_if_newest = [&] {
    if (!checks.empty() && checked_at >= device.checked_at) {
      device.checks = std::move(checks);
      device.checked_at = checked_at;
    }
    checks.clear();
    checked_at = 0;
  };
  while (results->next()) {
    if (results->text(6) != digest) {
      keep_if_newest();
      digest = results->text(6);
    }
    device.snapshot_id = results->integer(0);
    checks.push_back(check_from(*results));
    checked_at = std::max(checked_at, results->integer(5));
  }
  keep_if_newest();
}

}  // namespace nbsync::storage::detail
