#include "storage/collector_store.hpp"

#include <algorithm>
#include <unordered_set>

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

// The database's clock (unix seconds), which every collector's box agrees on.
std::int64_t database_now(detail::SqlConnection& sql) {
  return detail::query_integer(sql, sql.backend() == detail::SqlBackend::sqlite
                                        ? "SELECT unixepoch()"
                                        : "SELECT CAST(extract(epoch FROM clock_timestamp()) AS bigint)");
}

constexpr const char* k_collector_sql = "SELECT host, heartbeat_at, lease_seconds FROM collectors WHERE name = ?1";

constexpr const char* k_heartbeat_sql = R"sql(
  INSERT INTO collectors (name, zone, zone_filters, host, started_at, heartbeat_at, lease_seconds)
  VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
  ON CONFLICT (name) DO UPDATE SET
    zone = excluded.zone, zone_filters = excluded.zone_filters, heartbeat_at = excluded.heartbeat_at,
    lease_seconds = excluded.lease_seconds,
    started_at = CASE WHEN collectors.host = excluded.host THEN collectors.started_at ELSE excluded.started_at END,
    host = excluded.host
)sql";

constexpr const char* k_latest_cycle_sql = R"sql(
  SELECT cycle, opened_at, opened_by, closed_at IS NOT NULL FROM zone_cycles
   WHERE zone = ?1 ORDER BY cycle DESC LIMIT 1
)sql";

constexpr const char* k_abandon_cycle_sql = R"sql(
  UPDATE zone_cycles SET closed_at = ?3, closed_by = '' WHERE zone = ?1 AND cycle = ?2 AND closed_at IS NULL
)sql";

constexpr const char* k_open_cycle_sql = R"sql(
  INSERT INTO zone_cycles (zone, cycle, opened_at, opened_by) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING
)sql";

// A claim another run may take when it is not done and nobody live holds it: released (no
// collector; never by the run that released it), left by an earlier run of this same
// collector, or its collector's heartbeat is older than its lease. ?3 collector, ?4 run,
// ?5 now; `c` names the claim.
std::string claim_is_free(const std::string& c) {
  return "(" + c + ".run_id IS DISTINCT FROM ?4 AND (" + c + ".collector IS NULL OR " + c + ".collector = ?3" +
         " OR NOT EXISTS (SELECT 1 FROM collectors k WHERE k.name = " + c + ".collector" +
         " AND k.heartbeat_at + k.lease_seconds >= ?5)))";
}

// Claims a batch of devices nobody claimed yet in the cycle (?6, ?7 ... each a row);
// returns the ones won. It never locks an existing claim (DO NOTHING): a claim another
// collector's writer is marking done in its open transaction would otherwise be locked
// from both sides (PostgreSQL: deadlock detected). Existing free claims are taken over at
// the walk's end, skipping locked rows.
std::string claim_sql(std::size_t rows) {
  std::string sql = "INSERT INTO device_claims (zone, cycle, device_id, collector, run_id, claimed_at) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    sql.append(i == 0 ? "" : ", ").append("(?1, ?2, ?").append(std::to_string(6 + i)).append(", ?3, ?4, ?5)");
  }
  return sql + " ON CONFLICT (zone, cycle, device_id) DO NOTHING RETURNING device_id";
}

// Takes over at most ?6 free claims of the zone's cycle (?1, ?2). On PostgreSQL it skips
// rows another collector is taking this instant instead of waiting for them.
std::string take_over_sql(detail::SqlBackend backend) {
  return "UPDATE device_claims SET collector = ?3, run_id = ?4, claimed_at = ?5"
         " WHERE (zone, cycle, device_id) IN (SELECT c.zone, c.cycle, c.device_id FROM device_claims c"
         " WHERE c.zone = ?1 AND c.cycle = ?2 AND c.done_at IS NULL AND " +
         claim_is_free("c") + " LIMIT ?6" +
         (backend == detail::SqlBackend::postgresql ? " FOR UPDATE SKIP LOCKED" : "") + ") RETURNING device_id";
}

constexpr const char* k_held_by_others_sql = R"sql(
  SELECT count(*) FROM device_claims
   WHERE zone = ?1 AND cycle = ?2 AND done_at IS NULL AND run_id IS DISTINCT FROM ?3
)sql";

// Released claims keep the run that gave them up, which never takes them back.
constexpr const char* k_release_sql =
    "UPDATE device_claims SET collector = NULL WHERE run_id = ?1 AND done_at IS NULL AND collector IS NOT NULL";
constexpr const char* k_release_one_sql =
    "UPDATE device_claims SET collector = NULL WHERE run_id = ?1 AND device_id = ?2 AND done_at IS NULL";

constexpr const char* k_mark_done_sql = "UPDATE device_claims SET done_at = ?3 WHERE run_id = ?1 AND device_id = ?2";

constexpr const char* k_collectors_sql = R"sql(
  SELECT k.name, k.zone, k.zone_filters, k.host, k.started_at, k.heartbeat_at, k.lease_seconds,
         k.heartbeat_at + k.lease_seconds >= ?1, r.id, r.started_at, r.finished_at, r.attempts, r.zone_cycle
    FROM collectors k
    LEFT JOIN runs r ON r.id = (SELECT max(id) FROM runs WHERE collector = k.name)
   ORDER BY k.zone, k.name
)sql";

constexpr std::size_t k_claim_batch = 100;

// "host:pid" -> "host": a collector restarted on its own box is the same collector.
std::string host_of(const std::string& host_pid) {
  return host_pid.substr(0, host_pid.rfind(':'));
}

ZoneCycle read_cycle(const detail::SqlRows& row) {
  return {row.integer(0), row.integer(1), row.text(2)};
}

}  // namespace

CollectorStore::CollectorStore(Database& database) : m_sql(database.connection()) {}

void CollectorStore::heartbeat(const CollectorIdentity& me) {
  std::string in_use_by;
  try {
    const std::int64_t now = database_now(m_sql);
    {
      const auto row = m_sql.query(k_collector_sql, detail::SqlParams().add(me.name));
      if (row->next() && host_of(row->text(0)) != host_of(me.host) && row->integer(1) + row->integer(2) >= now) {
        in_use_by = row->text(0);
      }
    }
    if (in_use_by.empty()) {
      m_sql.execute(k_heartbeat_sql, detail::SqlParams()
                                         .add(me.name)
                                         .add(me.zone)
                                         .add(me.zone_filters)
                                         .add(me.host)
                                         .add(now)
                                         .add(static_cast<std::int64_t>(me.lease.count())));
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "renewing collector " + me.name + "'s heartbeat", e);
  }
  if (!in_use_by.empty()) {
    throw DatabaseError("collector name \"" + me.name + "\" is in use by " + in_use_by +
                        ", which is alive; give each collector its own [collector] name");
  }
}

ZoneCycleEntry CollectorStore::enter_cycle(const CollectorIdentity& me, std::chrono::seconds interval,
                                           bool wait_for_interval) {
  try {
    ZoneCycleEntry entry;
    entry.now = database_now(m_sql);
    std::int64_t next_number = 1;
    {
      const auto latest = m_sql.query(k_latest_cycle_sql, detail::SqlParams().add(me.zone));
      if (latest->next()) {
        const ZoneCycle cycle = read_cycle(*latest);
        const bool closed = latest->integer(3) != 0;
        const bool within_interval = cycle.opened_at + interval.count() > entry.now;
        next_number = cycle.number + 1;
        if (!closed && within_interval) {
          entry.cycle = cycle;
          return entry;
        }
        if (closed && within_interval && wait_for_interval) {
          entry.done = cycle;
          entry.next_at = cycle.opened_at + interval.count();
          return entry;
        }
        if (!closed) {  // every collector of the zone died or gave up on it
          m_sql.execute(k_abandon_cycle_sql, detail::SqlParams().add(me.zone).add(cycle.number).add(entry.now));
        }
      }
    }
    m_sql.execute(k_open_cycle_sql, detail::SqlParams().add(me.zone).add(next_number).add(entry.now).add(me.name));
    entry.cycle = latest_cycle(me.zone);  // ours, or the one a collector opened an instant before
    return entry;
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "entering zone " + me.zone + "'s cycle", e);
  }
}

std::vector<std::int64_t> CollectorStore::claim(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id,
                                                std::span<const std::int64_t> device_ids) {
  std::vector<std::int64_t> claimed;
  try {
    const std::int64_t now = database_now(m_sql);
    for (std::size_t at = 0; at < device_ids.size(); at += k_claim_batch) {
      claim_batch(me, cycle, run_id, device_ids.subspan(at, std::min(k_claim_batch, device_ids.size() - at)), now,
                  claimed);
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "claiming " + std::to_string(device_ids.size()) + " devices", e);
  }
  return claimed;
}

void CollectorStore::claim_batch(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id,
                                 std::span<const std::int64_t> device_ids, std::int64_t now,
                                 std::vector<std::int64_t>& claimed) {
  detail::SqlParams params;
  params.add(me.zone).add(cycle).add(me.name).add(run_id).add(now);
  for (const std::int64_t id : device_ids) {
    params.add(id);
  }
  std::unordered_set<std::int64_t> won;
  const auto rows = m_sql.query(claim_sql(device_ids.size()), params);
  while (rows->next()) {
    won.insert(rows->integer(0));
  }
  for (const std::int64_t id : device_ids) {
    if (won.contains(id)) {
      claimed.push_back(id);
    }
  }
}

ClaimsLeft CollectorStore::take_what_is_left(const CollectorIdentity& me, std::int64_t cycle, std::int64_t run_id,
                                             std::size_t limit) {
  try {
    ClaimsLeft left;
    const std::int64_t now = database_now(m_sql);
    const auto params = detail::SqlParams().add(me.zone).add(cycle).add(me.name).add(run_id).add(now).add(
        static_cast<std::int64_t>(limit));
    {
      const auto rows = m_sql.query(take_over_sql(m_sql.backend()), params);
      while (rows->next()) {
        left.taken.push_back(rows->integer(0));
      }
    }
    std::sort(left.taken.begin(), left.taken.end());
    left.held_by_others =
        detail::query_integer(m_sql, k_held_by_others_sql, detail::SqlParams().add(me.zone).add(cycle).add(run_id));
    return left;
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "taking over zone " + me.zone + "'s unfinished claims", e);
  }
}

std::int64_t CollectorStore::release(std::int64_t run_id) {
  try {
    return m_sql.execute(k_release_sql, detail::SqlParams().add(run_id));
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "releasing run " + std::to_string(run_id) + "'s claims", e);
  }
}

void CollectorStore::release(std::int64_t run_id, std::int64_t device_id) {
  try {
    m_sql.execute(k_release_one_sql, detail::SqlParams().add(run_id).add(device_id));
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "releasing the claim of device " + std::to_string(device_id), e);
  }
}

void CollectorStore::mark_done(std::int64_t run_id, std::span<const std::int64_t> device_ids) {
  try {
    const std::int64_t now = database_now(m_sql);
    for (const std::int64_t id : device_ids) {
      m_sql.execute_queued(k_mark_done_sql, detail::SqlParams().add(run_id).add(id).add(now));
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "closing claims of devices NetBox no longer lists", e);
  }
}

std::optional<ZoneCycle> CollectorStore::latest_cycle(const std::string& zone) {
  try {
    const auto latest = m_sql.query(k_latest_cycle_sql, detail::SqlParams().add(zone));
    if (!latest->next()) {
      return std::nullopt;
    }
    return read_cycle(*latest);
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_sql, "reading zone " + zone + "'s cycle", e);
  }
}

std::vector<CollectorStatus> read_collectors(Database& database) {
  detail::SqlConnection& sql = database.connection();
  try {
    const std::int64_t now = database_now(sql);
    std::vector<CollectorStatus> collectors;
    const auto rows = sql.query(k_collectors_sql, detail::SqlParams().add(now));
    while (rows->next()) {
      CollectorStatus c;
      c.name = rows->text(0);
      c.zone = rows->text(1);
      c.zone_filters = rows->text(2);
      c.host = rows->text(3);
      c.started_at = rows->integer(4);
      c.heartbeat_at = rows->integer(5);
      c.lease_seconds = rows->integer(6);
      c.alive = rows->integer(7) != 0;
      c.last_run = rows->optional_integer(8);
      c.last_run_started_at = rows->optional_integer(9);
      c.last_run_finished_at = rows->optional_integer(10);
      c.last_run_attempts = rows->is_null(11) ? 0 : rows->integer(11);
      c.last_zone_cycle = rows->optional_integer(12);
      collectors.push_back(std::move(c));
    }
    return collectors;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the collectors", e);
  }
}

}  // namespace nbsync::storage
