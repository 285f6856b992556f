#pragma once
// Config versions written row by row through the statement layer (the same SQL on both
// backends), for the suites of what reads history (versions, diffs, pruning, search) while
// the snapshot store still writes through SQLite only. Each store() is a run of its own
// with one ok attempt, as a cycle records it: a text equal to the device's latest version
// stores no new version; a new one is a blob (a delta against the previous version until
// the chain reaches `full_copy_every`) and a snapshot with its line counts.
#include <cstdint>
#include <optional>
#include <string>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/blob_writes.hpp"
#include "storage/detail/device_columns.hpp"
#include "storage/detail/line_diff.hpp"
#include "storage/detail/sha256.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage::test_support {

class VersionRows {
public:
  explicit VersionRows(detail::SqlConnection& sql, int full_copy_every = 10)
      : m_sql(sql), m_blobs(sql, full_copy_every) {}

  // Returns the new version's snapshot id, or nullopt when `text` is the latest already.
  std::optional<std::int64_t> store(const DeviceRecord& device, const std::string& text, std::int64_t taken_at = 1) {
    using detail::SqlParams;
    m_sql.begin();
    const std::int64_t run = detail::query_integer(
        m_sql, "INSERT INTO runs (started_at, finished_at) VALUES (?1, ?1) RETURNING id", SqlParams().add(taken_at));
    m_sql.execute(k_upsert_device_sql, SqlParams()
                                           .add(device.id)
                                           .add(device.name)
                                           .add(device.site)
                                           .add(device.role)
                                           .add(device.platform)
                                           .add(device.tenant)
                                           .add(device.status)
                                           .add(device.address)
                                           .add(detail::join_tags(device.tags))
                                           .add(taken_at)
                                           .add(run));
    const std::string sha256 = detail::sha256_hex(text);
    std::optional<std::int64_t> snapshot;
    const std::optional<std::string> latest = latest_sha256(device.id);
    if (latest != sha256) {
      snapshot = add_snapshot(device.id, run, text, sha256, latest, taken_at);
    }
    m_sql.execute(
        "INSERT INTO attempts (run_id, device_id, outcome, changed, snapshot_id, bytes, recorded_at) "
        "VALUES (?1, ?2, 'ok', ?3, ?4, ?5, ?6)",
        SqlParams()
            .add(run)
            .add(device.id)
            .add(std::int64_t{snapshot ? 1 : 0})
            .add(snapshot)
            .add(static_cast<std::int64_t>(text.size()))
            .add(taken_at));
    m_sql.commit();
    return snapshot;
  }

private:
  static constexpr const char* k_upsert_device_sql = R"sql(
    INSERT INTO devices (id, name, site, role, platform, tenant, status, address, tags, first_seen, last_seen,
                         last_seen_run)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, site = excluded.site, role = excluded.role,
      platform = excluded.platform, tenant = excluded.tenant, status = excluded.status, address = excluded.address,
      tags = excluded.tags, last_seen = excluded.last_seen, last_seen_run = excluded.last_seen_run
  )sql";

  std::optional<std::string> latest_sha256(std::int64_t device_id) {
    const auto row = m_sql.query("SELECT sha256 FROM snapshots WHERE device_id = ?1 ORDER BY id DESC LIMIT 1",
                                 detail::SqlParams().add(device_id));
    return row->next() ? std::optional<std::string>(row->text(0)) : std::nullopt;
  }

  std::int64_t add_snapshot(std::int64_t device_id, std::int64_t run, const std::string& text,
                            const std::string& sha256, const std::optional<std::string>& previous,
                            std::int64_t taken_at) {
    const std::string before = previous ? detail::read_config_blob(m_sql, *previous) : std::string();
    std::optional<detail::BlobBase> base;
    if (previous) {
      base = detail::BlobBase{*previous, before};
    }
    m_blobs.store(sha256, text, base);
    const detail::LineChanges changes = detail::count_line_changes(before, text);
    return detail::query_integer(
        m_sql,
        "INSERT INTO snapshots (device_id, run_id, taken_at, sha256, size, line_count, lines_added, lines_removed) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        detail::SqlParams()
            .add(device_id)
            .add(run)
            .add(taken_at)
            .add(sha256)
            .add(static_cast<std::int64_t>(text.size()))
            .add(static_cast<std::int64_t>(detail::split_lines(text).size()))
            .add(changes.added)
            .add(changes.removed));
  }

  detail::SqlConnection& m_sql;
  detail::BlobWrites m_blobs;
};

}  // namespace nbsync::storage::test_support
