#include "storage/service_status.hpp"

#include <SQLiteCpp/Statement.h>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_run_columns =
    "SELECT id, started_at, finished_at, inventory_complete, attempts, changed, retired, summary, note FROM runs ";

constexpr const char* k_failing_sql = R"sql(
  SELECT d.id, d.name, d.site, s.status, s.message, s.failing_since
    FROM device_states s JOIN devices d ON d.id = s.device_id
   WHERE d.retired_at IS NULL AND s.status NOT IN ('ok', 'skipped')
   ORDER BY s.failing_since, d.name
   LIMIT ?1
)sql";

constexpr const char* k_counts_sql = R"sql(
  SELECT count(*),
         coalesce(sum(s.status IS NOT NULL AND s.status NOT IN ('ok', 'skipped')), 0),
         coalesce(sum(s.compliance LIKE 'fail%'), 0)
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

RunStatus run_from(SQLite::Statement& select) {
  RunStatus run;
  run.id = select.getColumn(0).getInt64();
  run.started_at = select.getColumn(1).getInt64();
  if (!select.getColumn(2).isNull()) {
    run.finished_at = select.getColumn(2).getInt64();
  }
  if (!select.getColumn(3).isNull()) {
    run.inventory_complete = select.getColumn(3).getInt() != 0;
  }
  run.attempts = select.getColumn(4).getInt64();
  run.changed = select.getColumn(5).getInt64();
  run.retired = select.getColumn(6).getInt64();
  run.summary_json = select.getColumn(7).getString();
  run.note = select.getColumn(8).getString();
  return run;
}

std::optional<RunStatus> read_run(SQLite::Database& db, const std::string& where) {
  SQLite::Statement select(db, std::string(k_run_columns) + where + " ORDER BY id DESC LIMIT 1");
  if (!select.executeStep()) {
    return std::nullopt;
  }
  return run_from(select);
}

// Hands each row (device_id, outcome, changed) of `select` to `visit`.
void visit_attempt_rows(SQLite::Statement& select, const std::function<void(const RunAttempt&)>& visit) {
  RunAttempt attempt;
  while (select.executeStep()) {
    attempt.device_id = select.getColumn(0).getInt64();
    attempt.outcome = select.getColumn(1).getString();
    attempt.changed = select.getColumn(2).getInt() != 0;
    visit(attempt);
  }
}

}  // namespace

ServiceStatus read_service_status(Database& database, std::size_t failing_limit) {
  SQLite::Database& db = database.sqlite();
  try {
    ServiceStatus status;
    status.last_run = read_run(db, "");
    status.last_finished_run = read_run(db, "WHERE finished_at IS NOT NULL");
    {
      SQLite::Statement counts(db, k_counts_sql);
      counts.executeStep();
      status.devices_known = counts.getColumn(0).getInt64();
      status.devices_failing = counts.getColumn(1).getInt64();
      status.devices_noncompliant = counts.getColumn(2).getInt64();
    }
    {
      SQLite::Statement failing(db, k_failing_sql);
      failing.bind(1, static_cast<std::int64_t>(failing_limit));
      while (failing.executeStep()) {
        FailingDevice device;
        device.device_id = failing.getColumn(0).getInt64();
        device.name = failing.getColumn(1).getString();
        device.site = failing.getColumn(2).getString();
        device.outcome = failing.getColumn(3).getString();
        device.message = failing.getColumn(4).getString();
        if (!failing.getColumn(5).isNull()) {
          device.failing_since = failing.getColumn(5).getInt64();
        }
        status.failing.push_back(std::move(device));
      }
    }
    SQLite::Statement outbox(db, k_outbox_sql);
    while (outbox.executeStep()) {
      status.outbox.push_back({outbox.getColumn(0).getString(), outbox.getColumn(1).getInt64(),
                               outbox.getColumn(2).getInt64(), outbox.getColumn(3).getInt64(),
                               outbox.getColumn(4).getString()});
    }
    return status;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the service status", e);
  }
}

std::vector<RunStatus> read_recent_runs(Database& database, std::size_t limit, std::size_t offset) {
  try {
    SQLite::Statement select(database.sqlite(), std::string(k_run_columns) + "ORDER BY id DESC LIMIT ?1 OFFSET ?2");
    select.bind(1, static_cast<std::int64_t>(limit));
    select.bind(2, static_cast<std::int64_t>(offset));
    std::vector<RunStatus> runs;
    while (select.executeStep()) {
      runs.push_back(run_from(select));
    }
    return runs;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the recent runs", e);
  }
}

std::int64_t count_runs(Database& database) {
  try {
    return database.sqlite().execAndGet("SELECT count(*) FROM runs").getInt64();
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "counting the runs", e);
  }
}

void visit_run_attempts(Database& database, std::int64_t run_id, const std::function<void(const RunAttempt&)>& visit) {
  try {
    SQLite::Statement select(database.sqlite(), "SELECT device_id, outcome, changed FROM attempts WHERE run_id = ?1");
    select.bind(1, run_id);
    visit_attempt_rows(select, visit);
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading a run's attempts", e);
  }
}

void visit_run_attempts_of(Database& database, std::int64_t run_id, std::span<const std::int64_t> device_ids,
                           const std::function<void(const RunAttempt&)>& visit) {
  try {
    // attempts_by_device: the device's few attempts, then the run's among them.
    SQLite::Statement select(database.sqlite(),
                             "SELECT device_id, outcome, changed FROM attempts WHERE device_id = ?1 AND run_id = ?2");
    select.bind(2, run_id);
    for (const std::int64_t device_id : device_ids) {
      select.reset();
      select.bind(1, device_id);
      visit_attempt_rows(select, visit);
    }
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading a run's attempts", e);
  }
}

std::vector<std::int64_t> read_device_ids(Database& database) {
  try {
    SQLite::Statement select(database.sqlite(), "SELECT id FROM devices ORDER BY id");
    std::vector<std::int64_t> ids;
    while (select.executeStep()) {
      ids.push_back(select.getColumn(0).getInt64());
    }
    return ids;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "listing the devices", e);
  }
}

}  // namespace nbsync::storage
