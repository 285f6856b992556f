#include "storage/service_status.hpp"

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

using detail::SqlConnection;
using detail::SqlParams;
using detail::SqlRows;

// SQL for both engines: aggregates count with FILTER (SQLite 3.30+), never sum() over a
// comparison (PostgreSQL has no sum of booleans); NULLS FIRST keeps SQLite's order.
constexpr const char* k_run_columns =
    "SELECT id, started_at, finished_at, inventory_complete, attempts, changed, retired, summary, note FROM runs ";

constexpr const char* k_failing_sql = R"sql(
  SELECT d.id, d.name, d.site, s.status, s.message, s.failing_since
    FROM device_states s JOIN devices d ON d.id = s.device_id
   WHERE d.retired_at IS NULL AND s.status NOT IN ('ok', 'skipped')
   ORDER BY s.failing_since NULLS FIRST, d.name
   LIMIT ?1
)sql";

constexpr const char* k_counts_sql = R"sql(
  SELECT count(*),
         count(*) FILTER (WHERE s.status IS NOT NULL AND s.status NOT IN ('ok', 'skipped')),
         count(*) FILTER (WHERE s.compliance LIKE 'fail%')
    FROM devices d LEFT JOIN device_states s ON s.device_id = d.id
   WHERE d.retired_at IS NULL
)sql";

constexpr const char* k_outbox_sql = R"sql(
  SELECT channel, count(*) FILTER (WHERE refused_at IS NULL),
         coalesce(min(created_at) FILTER (WHERE refused_at IS NULL), 0),
         count(*) FILTER (WHERE refused_at IS NOT NULL),
         coalesce((SELECT last_error FROM outbox r WHERE r.channel = o.channel AND r.refused_at IS NOT NULL
                    ORDER BY r.id DESC LIMIT 1), '')
    FROM outbox o GROUP BY channel ORDER BY channel
)sql";

RunStatus run_from(const SqlRows& row) {
  RunStatus run;
  run.id = row.integer(0);
  run.started_at = row.integer(1);
  run.finished_at = row.optional_integer(2);
  if (!row.is_null(3)) {
    run.inventory_complete = row.integer(3) != 0;
  }
  run.attempts = row.integer(4);
  run.changed = row.integer(5);
  run.retired = row.integer(6);
  run.summary_json = row.text(7);
  run.note = row.text(8);
  return run;
}

std::optional<RunStatus> read_run(SqlConnection& sql, const std::string& where) {
  const std::unique_ptr<SqlRows> row = sql.query(std::string(k_run_columns) + where + " ORDER BY id DESC LIMIT 1");
  if (!row->next()) {
    return std::nullopt;
  }
  return run_from(*row);
}

std::vector<FailingDevice> read_failing(SqlConnection& sql, std::size_t limit) {
  std::vector<FailingDevice> failing;
  const std::unique_ptr<SqlRows> rows = sql.query(k_failing_sql, SqlParams().add(static_cast<std::int64_t>(limit)));
  while (rows->next()) {
    failing.push_back(
        {rows->integer(0), rows->text(1), rows->text(2), rows->text(3), rows->text(4), rows->optional_integer(5)});
  }
  return failing;
}

// Hands each row (device_id, outcome, changed) of `rows` to `visit`.
void visit_attempt_rows(SqlRows& rows, const std::function<void(const RunAttempt&)>& visit) {
  RunAttempt attempt;
  while (rows.next()) {
    attempt.device_id = rows.integer(0);
    attempt.outcome = rows.text(1);
    attempt.changed = rows.integer(2) != 0;
    visit(attempt);
  }
}

}  // namespace

ServiceStatus read_service_status(Database& database, std::size_t failing_limit) {
  SqlConnection& sql = database.connection();
  try {
    ServiceStatus status;
    status.last_run = read_run(sql, "");
    status.last_finished_run = read_run(sql, "WHERE finished_at IS NOT NULL");
    {
      const std::unique_ptr<SqlRows> counts = sql.query(k_counts_sql);
      if (counts->next()) {
        status.devices_known = counts->integer(0);
        status.devices_failing = counts->integer(1);
        status.devices_noncompliant = counts->integer(2);
      }
    }
    status.failing = read_failing(sql, failing_limit);
    const std::unique_ptr<SqlRows> outbox = sql.query(k_outbox_sql);
    while (outbox->next()) {
      status.outbox.push_back(
          {outbox->text(0), outbox->integer(1), outbox->integer(2), outbox->integer(3), outbox->text(4)});
    }
    status.collectors = read_collectors(database);
    return status;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the service status", e);
  }
}

std::vector<RunStatus> read_recent_runs(Database& database, std::size_t limit, std::size_t offset) {
  try {
    const std::unique_ptr<SqlRows> rows = database.connection().query(
        std::string(k_run_columns) + "ORDER BY id DESC LIMIT ?1 OFFSET ?2",
        SqlParams().add(static_cast<std::int64_t>(limit)).add(static_cast<std::int64_t>(offset)));
    std::vector<RunStatus> runs;
    while (rows->next()) {
      runs.push_back(run_from(*rows));
    }
    return runs;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "reading the recent runs", e);
  }
}

std::int64_t count_runs(Database& database) {
  try {
    return detail::query_integer(database.connection(), "SELECT count(*) FROM runs");
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "counting the runs", e);
  }
}

void visit_run_attempts(Database& database, std::int64_t run_id, const std::function<void(const RunAttempt&)>& visit) {
  try {
    const std::unique_ptr<SqlRows> rows = database.connection().query(
        "SELECT device_id, outcome, changed FROM attempts WHERE run_id = ?1", SqlParams().add(run_id));
    visit_attempt_rows(*rows, visit);
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "reading a run's attempts", e);
  }
}

void visit_run_attempts_of(Database& database, std::int64_t run_id, std::span<const std::int64_t> device_ids,
                           const std::function<void(const RunAttempt&)>& visit) {
  try {
    // attempts_by_device: the device's few attempts, then the run's among them.
    for (const std::int64_t device_id : device_ids) {
      const std::unique_ptr<SqlRows> rows = database.connection().query(
          "SELECT device_id, outcome, changed FROM attempts WHERE device_id = ?1 AND run_id = ?2",
          SqlParams().add(device_id).add(run_id));
      visit_attempt_rows(*rows, visit);
    }
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "reading a run's attempts", e);
  }
}

std::vector<std::int64_t> read_device_ids(Database& database) {
  try {
    const std::unique_ptr<SqlRows> rows = database.connection().query("SELECT id FROM devices ORDER BY id");
    std::vector<std::int64_t> ids;
    while (rows->next()) {
      ids.push_back(rows->integer(0));
    }
    return ids;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "listing the devices", e);
  }
}

}  // namespace nbsync::storage
