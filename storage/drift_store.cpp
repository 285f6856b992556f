#include "storage/drift_store.hpp"

#include <memory>

#include <nlohmann/json.hpp>

#include "storage/config_history.hpp"
#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/sql_transaction.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_store_verdict_sql = R"sql(
  INSERT INTO drift_results (snapshot_id, device_id, checked_at, status, missing, extra, lines)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
  ON CONFLICT (snapshot_id) DO UPDATE SET
    device_id = excluded.device_id, checked_at = excluded.checked_at, status = excluded.status,
    missing = excluded.missing, extra = excluded.extra, lines = excluded.lines
)sql";

// A device's fields row still waiting, which no sender is working on: neither sending
// (sending_since) nor held by a live sender on PostgreSQL (lease_until).
constexpr const char* k_waiting_fields_sql = R"sql(
  SELECT id, payload FROM outbox
   WHERE kind = 'device_fields' AND device_id = ?1 AND channel = ?2 AND refused_at IS NULL
         AND sending_since IS NULL AND (lease_until IS NULL OR lease_until <= ?3)
)sql";

constexpr const char* k_latest_sql = R"sql(
  SELECT d.id, d.name, d.site, d.role, d.platform, r.status, r.missing, r.extra
    FROM devices d
    JOIN drift_results r ON r.snapshot_id = (SELECT max(id) FROM snapshots WHERE device_id = d.id)
   WHERE d.retired_at IS NULL AND (?1 = '' OR d.site = ?1) AND (?2 = '' OR d.role = ?2)
         AND (?3 = '' OR d.platform = ?3)
   ORDER BY d.name, d.id
)sql";

// A device's fields waiting to be sent are one row (the sender sends a device's latest
// only): `row`'s fields join it (a JSON merge patch, as SQLite's json_patch). False when
// no such row waits.
bool merge_into_waiting_fields(detail::SqlConnection& sql, const OutboxRow& row, std::int64_t now) {
  std::vector<std::pair<std::int64_t, std::string>> waiting;
  {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(k_waiting_fields_sql, detail::SqlParams().add(*row.device_id).add(row.channel).add(now));
    while (rows->next()) {
      waiting.emplace_back(rows->integer(0), rows->text(1));
    }
  }
  for (const auto& [id, payload] : waiting) {
    nlohmann::json merged = nlohmann::json::parse(payload);
    merged.merge_patch(nlohmann::json::parse(row.payload));
    sql.execute("UPDATE outbox SET payload = ?1 WHERE id = ?2", detail::SqlParams().add(merged.dump()).add(id));
  }
  return !waiting.empty();
}

}  // namespace

DriftStore::DriftStore(Database& database) : m_database(database) {}

std::optional<DriftCandidate> DriftStore::candidate(std::int64_t device_id) {
  ConfigHistory history(m_database);
  const auto versions = history.versions(device_id);
  if (versions.empty()) {
    return std::nullopt;
  }
  detail::SqlConnection& sql = m_database.connection();
  try {
    DriftCandidate out;
    out.snapshot_id = versions.back().snapshot_id;
    out.text = history.text(versions.back());
    {
      const std::unique_ptr<detail::SqlRows> checked = sql.query(
          "SELECT checked_at FROM drift_results WHERE snapshot_id = ?1", detail::SqlParams().add(out.snapshot_id));
      if (checked->next()) {
        out.checked_at = checked->integer(0);
      }
    }
    const std::unique_ptr<detail::SqlRows> state =
        sql.query("SELECT drift FROM device_states WHERE device_id = ?1", detail::SqlParams().add(device_id));
    if (state->next()) {
      out.device_drift = state->text(0);
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the drift of device " + std::to_string(device_id), e);
  }
}

void DriftStore::record(std::int64_t device_id, std::int64_t snapshot_id, const DriftVerdict& verdict, std::int64_t at,
                        const std::string& field_value, const std::vector<OutboxRow>& rows) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    detail::SqlTransaction transaction(sql);
    sql.execute(k_store_verdict_sql, detail::SqlParams()
                                         .add(snapshot_id)
                                         .add(device_id)
                                         .add(at)
                                         .add(verdict.status)
                                         .add(verdict.missing)
                                         .add(verdict.extra)
                                         .add(verdict.lines));
    sql.execute("UPDATE device_states SET drift = ?2 WHERE device_id = ?1",
                detail::SqlParams().add(device_id).add(field_value));
    for (const auto& row : rows) {
      const bool merged = row.kind == "device_fields" && row.device_id && merge_into_waiting_fields(sql, row, at);
      if (!merged) {
        detail::insert_outbox_row(sql, row, at);
      }
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "storing the drift of device " + std::to_string(device_id), e);
  }
}

std::vector<StoredDrift> DriftStore::history(std::int64_t device_id) {
  ConfigHistory config_history(m_database);
  const auto versions = config_history.versions(device_id);
  detail::SqlConnection& sql = m_database.connection();
  std::vector<StoredDrift> out;
  try {
    for (auto version = versions.rbegin(); version != versions.rend(); ++version) {
      const std::unique_ptr<detail::SqlRows> row =
          sql.query("SELECT checked_at, status, missing, extra, lines FROM drift_results WHERE snapshot_id = ?1",
                    detail::SqlParams().add(version->snapshot_id));
      if (row->next()) {
        out.push_back({version->number,
                       version->snapshot_id,
                       version->taken_at,
                       row->integer(0),
                       {row->text(1), row->integer(2), row->integer(3), row->text(4)}});
      }
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the drift of device " + std::to_string(device_id), e);
  }
  return out;
}

std::vector<DeviceDrift> DriftStore::latest(const DeviceFilter& filter) {
  detail::SqlConnection& sql = m_database.connection();
  std::vector<DeviceDrift> out;
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(k_latest_sql, detail::SqlParams().add(filter.site).add(filter.role).add(filter.platform));
    while (rows->next()) {
      out.push_back({rows->integer(0), rows->text(1), rows->text(2), rows->text(3), rows->text(4), rows->text(5),
                     rows->integer(6), rows->integer(7)});
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the fleet's drift", e);
  }
  return out;
}

}  // namespace nbsync::storage
