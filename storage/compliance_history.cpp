#include "storage/compliance_history.hpp"

#include "storage/detail/newest_compliance.hpp"
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

// The devices by name (devices_by_name: no sort). PostgreSQL has no INDEXED BY; its planner
// picks the index itself.
constexpr const char* k_devices_sqlite = R"sql(
  SELECT d.id, d.name, d.site FROM devices d INDEXED BY devices_by_name
   WHERE d.retired_at IS NULL
   ORDER BY d.name, d.id
)sql";
constexpr const char* k_devices_postgres = R"sql(
  SELECT d.id, d.name, d.site FROM devices d
   WHERE d.retired_at IS NULL
   ORDER BY d.name, d.id
)sql";

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
      out[rows->integer(0)].push_back(detail::check_from(*rows));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading a device's compliance results", e);
  }
}

void visit_latest_compliance(Database& database, const std::function<void(const DeviceComplianceState&)>& visit,
                             const std::function<bool(std::int64_t device_id)>& wanted) {
  detail::SqlConnection& sql = database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> devices =
        sql.query(sql.backend() == detail::SqlBackend::sqlite ? k_devices_sqlite : k_devices_postgres);
    while (devices->next()) {
      const std::int64_t id = devices->integer(0);
      if (wanted && !wanted(id)) {
        continue;
      }
      DeviceComplianceState device{id, devices->text(1), devices->text(2), 0, 0, {}};
      detail::read_newest_rule_set(sql, device);
      if (!device.checks.empty()) {
        visit(device);
      }
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the compliance report", e);
  }
}

}  // namespace nbsync::storage
