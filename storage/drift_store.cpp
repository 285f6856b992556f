#include "storage/drift_store.hpp"

#include <memory>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "storage/config_history.hpp"
#include "storage/detail/blob_reader.hpp"
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

// The newest version of each device listed, when it was checked and what NetBox was last
// told; the list (?1, ?2 ...) is appended.
constexpr std::string_view k_candidates_sql = R"sql(
  SELECT s.device_id, s.id, s.sha256, r.checked_at, st.drift
    FROM snapshots s
    LEFT JOIN drift_results r ON r.snapshot_id = s.id
    LEFT JOIN device_states st ON st.device_id = s.device_id
   WHERE s.id IN (SELECT max(id) FROM snapshots WHERE device_id IN ()sql";

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
    sql.execute_queued("UPDATE outbox SET payload = ?1 WHERE id = ?2", detail::SqlParams().add(merged.dump()).add(id));
  }
  return !waiting.empty();
}

// The verdict, the device's field value and its NetBox writes, in the caller's transaction.
void store_record(detail::SqlConnection& sql, const DriftRecord& record, std::int64_t at) {
  sql.execute_queued(k_store_verdict_sql, detail::SqlParams()
                                              .add(record.snapshot_id)
                                              .add(record.device_id)
                                              .add(at)
                                              .add(record.verdict.status)
                                              .add(record.verdict.missing)
                                              .add(record.verdict.extra)
                                              .add(record.verdict.lines));
  sql.execute_queued("UPDATE device_states SET drift = ?2 WHERE device_id = ?1",
                     detail::SqlParams().add(record.device_id).add(record.field_value));
  for (const auto& row : record.rows) {
    const bool merged = row.kind == "device_fields" && row.device_id && merge_into_waiting_fields(sql, row, at);
    if (!merged) {
      detail::insert_outbox_row(sql, row, at);
    }
  }
}

}  // namespace

DriftStore::DriftStore(Database& database) : m_database(database) {}

std::optional<DriftCandidate> DriftStore::candidate(std::int64_t device_id) {
  return candidates(std::span(&device_id, 1)).front();
}

std::vector<std::optional<DriftCandidate>> DriftStore::candidates(std::span<const std::int64_t> device_ids) {
  std::vector<std::optional<DriftCandidate>> out(device_ids.size());
  if (device_ids.empty()) {
    return out;
  }
  detail::SqlConnection& sql = m_database.connection();
  std::string statement(k_candidates_sql);
  detail::SqlParams params;
  std::unordered_map<std::int64_t, std::size_t> position;
  for (std::size_t i = 0; i < device_ids.size(); ++i) {
    statement.append(i == 0 ? "?" : ", ?").append(std::to_string(i + 1));
    params.add(device_ids[i]);
    position.emplace(device_ids[i], i);
  }
  statement.append(") GROUP BY device_id)");
  try {
    const std::unique_ptr<detail::SqlRows> rows = sql.query(statement, params);
    while (rows->next()) {
      DriftCandidate candidate;
      candidate.snapshot_id = rows->integer(1);
      candidate.sha256 = rows->text(2);
      candidate.checked_at = rows->optional_integer(3);
      candidate.device_drift = rows->is_null(4) ? "" : rows->text(4);
      out[position.at(rows->integer(0))] = std::move(candidate);
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the drift of " + std::to_string(device_ids.size()) + " device(s)", e);
  }
}

std::string DriftStore::text(const DriftCandidate& candidate) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    return detail::read_config_blob(sql, candidate.sha256);
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading config " + candidate.sha256, e);
  }
}

void DriftStore::record(const std::vector<DriftRecord>& records, std::int64_t at) {
  if (records.empty()) {
    return;
  }
  detail::SqlConnection& sql = m_database.connection();
  try {
    detail::SqlTransaction transaction(sql);
    for (const DriftRecord& record : records) {
      store_record(sql, record, at);
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "storing the drift of " + std::to_string(records.size()) + " device(s)", e);
  }
}

void DriftStore::record(std::int64_t device_id, std::int64_t snapshot_id, const DriftVerdict& verdict, std::int64_t at,
                        const std::string& field_value, const std::vector<OutboxRow>& rows) {
  record({DriftRecord{device_id, snapshot_id, verdict, field_value, rows}}, at);
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
