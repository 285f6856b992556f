#include "storage/drift_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include "storage/config_history.hpp"
#include "storage/detail/outbox_insert.hpp"

namespace nbsync::storage {
namespace {

DatabaseError failure(const Database& database, const std::string& what, const std::exception& e) {
  return DatabaseError(database.path().string() + ": " + what + ": " + e.what());
}

}  // namespace

DriftStore::DriftStore(Database& database) : m_database(database) {}

std::optional<DriftCandidate> DriftStore::candidate(std::int64_t device_id) {
  ConfigHistory history(m_database);
  const auto versions = history.versions(device_id);
  if (versions.empty()) {
    return std::nullopt;
  }
  try {
    DriftCandidate out;
    out.snapshot_id = versions.back().snapshot_id;
    out.text = history.text(versions.back());
    SQLite::Statement checked(m_database.sqlite(), "SELECT checked_at FROM drift_results WHERE snapshot_id = ?1");
    checked.bind(1, out.snapshot_id);
    if (checked.executeStep()) {
      out.checked_at = checked.getColumn(0).getInt64();
    }
    SQLite::Statement state(m_database.sqlite(), "SELECT drift FROM device_states WHERE device_id = ?1");
    state.bind(1, device_id);
    if (state.executeStep()) {
      out.device_drift = state.getColumn(0).getString();
    }
    return out;
  } catch (const SQLite::Exception& e) {
    throw failure(m_database, "cannot read the drift of device " + std::to_string(device_id), e);
  }
}

void DriftStore::record(std::int64_t device_id, std::int64_t snapshot_id, const DriftVerdict& verdict, std::int64_t at,
                        const std::string& field_value, const std::vector<OutboxRow>& rows) {
  try {
    SQLite::Transaction transaction(m_database.sqlite());
    SQLite::Statement insert(m_database.sqlite(), R"sql(
      INSERT OR REPLACE INTO drift_results (snapshot_id, device_id, checked_at, status, missing, extra, lines)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql");
    insert.bind(1, snapshot_id);
    insert.bind(2, device_id);
    insert.bind(3, at);
    insert.bind(4, verdict.status);
    insert.bind(5, verdict.missing);
    insert.bind(6, verdict.extra);
    insert.bind(7, verdict.lines);
    insert.exec();
    SQLite::Statement state(m_database.sqlite(), "UPDATE device_states SET drift = ?2 WHERE device_id = ?1");
    state.bind(1, device_id);
    state.bind(2, field_value);
    state.exec();
    SQLite::Statement merge(m_database.sqlite(), R"sql(
      UPDATE outbox SET payload = json_patch(payload, ?3)
       WHERE kind = 'device_fields' AND device_id = ?1 AND channel = ?2 AND refused_at IS NULL
             AND sending_since IS NULL)sql");
    SQLite::Statement outbox(m_database.sqlite(), detail::k_insert_outbox_sql);
    for (const auto& row : rows) {
      if (row.kind == "device_fields" && row.device_id) {
        // A device's fields waiting to be sent are one row (the sender sends a device's
        // latest only): this row's fields join it.
        merge.bind(1, *row.device_id);
        merge.bind(2, row.channel);
        merge.bind(3, row.payload);
        const int merged = merge.exec();
        merge.reset();
        if (merged > 0) {
          continue;
        }
      }
      detail::insert_outbox_row(outbox, row, at);
    }
    transaction.commit();
  } catch (const SQLite::Exception& e) {
    throw failure(m_database, "cannot store the drift of device " + std::to_string(device_id), e);
  }
}

std::vector<StoredDrift> DriftStore::history(std::int64_t device_id) {
  ConfigHistory config_history(m_database);
  const auto versions = config_history.versions(device_id);
  std::vector<StoredDrift> out;
  try {
    SQLite::Statement query(m_database.sqlite(), R"sql(
      SELECT checked_at, status, missing, extra, lines FROM drift_results WHERE snapshot_id = ?1)sql");
    for (auto version = versions.rbegin(); version != versions.rend(); ++version) {
      query.bind(1, version->snapshot_id);
      if (query.executeStep()) {
        out.push_back({version->number,
                       version->snapshot_id,
                       version->taken_at,
                       query.getColumn(0).getInt64(),
                       {query.getColumn(1).getString(), query.getColumn(2).getInt64(), query.getColumn(3).getInt64(),
                        query.getColumn(4).getString()}});
      }
      query.reset();
    }
  } catch (const SQLite::Exception& e) {
    throw failure(m_database, "cannot read the drift of device " + std::to_string(device_id), e);
  }
  return out;
}

std::vector<DeviceDrift> DriftStore::latest(const DeviceFilter& filter) {
  std::vector<DeviceDrift> out;
  try {
    SQLite::Statement query(m_database.sqlite(), R"sql(
      SELECT d.id, d.name, d.site, d.role, d.platform, r.status, r.missing, r.extra
        FROM devices d
        JOIN drift_results r ON r.snapshot_id = (SELECT max(id) FROM snapshots WHERE device_id = d.id)
       WHERE d.retired_at IS NULL AND (?1 = '' OR d.site = ?1) AND (?2 = '' OR d.role = ?2)
             AND (?3 = '' OR d.platform = ?3)
       ORDER BY d.name, d.id)sql");
    query.bind(1, filter.site);
    query.bind(2, filter.role);
    query.bind(3, filter.platform);
    while (query.executeStep()) {
      out.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                     query.getColumn(3).getString(), query.getColumn(4).getString(), query.getColumn(5).getString(),
                     query.getColumn(6).getInt64(), query.getColumn(7).getInt64()});
    }
  } catch (const SQLite::Exception& e) {
    throw failure(m_database, "cannot read the fleet's drift", e);
  }
  return out;
}

}  // namespace nbsync::storage
