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

// The devices by name (devices_by_name: no sort).
constexpr const char* k_devices_sql = R"sql(
  SELECT d.id, d.name, d.site FROM devices d INDEXED BY devices_by_name
   WHERE d.retired_at IS NULL
   ORDER BY d.name, d.id
)sql";

// The results of a device's newest version, every rule set's: by rule set, then rule (the
// primary key's order).
constexpr const char* k_newest_results_sql = R"sql(
  SELECT snapshot_id, rule, severity, passed, problems, checked_at, rules_digest
    FROM compliance_results WHERE snapshot_id = (SELECT max(id) FROM snapshots WHERE device_id = ?1)
)sql";

// Columns 0-5 of the queries above.
ComplianceCheck check_from(SQLite::Statement& select) {
  ComplianceCheck check;
  check.rule = select.getColumn(1).getString();
  check.severity = select.getColumn(2).getString();
  check.passed = select.getColumn(3).getInt() != 0;
  const std::string text = select.getColumn(4).getString();
  const auto problems = text == "[]" ? nlohmann::json::array() : nlohmann::json::parse(text, nullptr, false);
  if (problems.is_array()) {
    for (const auto& problem : problems) {
      check.problems.push_back(problem.is_string() ? problem.get<std::string>() : problem.dump());
    }
  }
  return check;
}

// The results of the device's newest version by the rule set that checked it last (a
// version checked by several counts with the newest one's), into `device`.
void read_newest_rule_set(SQLite::Statement& results, DeviceComplianceState& device) {
  results.reset();
  results.bind(1, device.device_id);
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
  while (results.executeStep()) {
    if (results.getColumn(6).getString() != digest) {
      keep_if_newest();
      digest = results.getColumn(6).getString();
    }
    device.snapshot_id = results.getColumn(0).getInt64();
    checks.push_back(check_from(results));
    checked_at = std::max(checked_at, results.getColumn(5).getInt64());
  }
  keep_if_newest();
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

void visit_latest_compliance(Database& database, const std::function<void(const DeviceComplianceState&)>& visit,
                             const std::function<bool(std::int64_t device_id)>& wanted) {
  try {
    SQLite::Statement devices(database.sqlite(), k_devices_sql);
    SQLite::Statement results(database.sqlite(), k_newest_results_sql);
    while (devices.executeStep()) {
      const std::int64_t id = devices.getColumn(0).getInt64();
      if (wanted && !wanted(id)) {
        continue;
      }
      DeviceComplianceState device{id, devices.getColumn(1).getString(), devices.getColumn(2).getString(), 0, 0, {}};
      read_newest_rule_set(results, device);
      if (!device.checks.empty()) {
        visit(device);
      }
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the compliance report", e);
  }
}

}  // namespace nbsync::storage
