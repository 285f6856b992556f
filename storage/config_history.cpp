#include "storage/config_history.hpp"

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/full_unified_diff.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

// Version numbers are ranks by snapshot id within the device (ids grow with time).
constexpr const char* k_versions_sql = R"sql(
  SELECT row_number() OVER (ORDER BY id), id, taken_at, size, sha256, line_count, lines_added, lines_removed
    FROM snapshots WHERE device_id = ?1 ORDER BY id
)sql";

// (The cast gives ?2 one type on PostgreSQL, which would deduce text here and bigint below.)
constexpr const char* k_version_by_number_sql = R"sql(
  SELECT CAST(?2 AS bigint), id, taken_at, size, sha256, line_count, lines_added, lines_removed
    FROM snapshots WHERE device_id = ?1 ORDER BY id LIMIT 1 OFFSET ?2 - 1
)sql";

constexpr const char* k_version_at_sql = R"sql(
  SELECT (SELECT count(*) FROM snapshots p WHERE p.device_id = ?1 AND p.id <= s.id),
         s.id, s.taken_at, s.size, s.sha256, s.line_count, s.lines_added, s.lines_removed
    FROM snapshots s WHERE s.device_id = ?1 AND s.taken_at <= ?2 ORDER BY s.id DESC LIMIT 1
)sql";

// A device's first snapshot is its first backup, not a change: only snapshots with an
// earlier one of the same device count.
constexpr const char* k_changes_since_sql = R"sql(
  SELECT d.id, d.name, d.site, d.platform, d.role, count(*), sum(s.lines_added), sum(s.lines_removed),
         max(s.taken_at)
    FROM snapshots s JOIN devices d ON d.id = s.device_id
   WHERE s.taken_at >= ?1 AND s.taken_at < ?5 AND s.rekeyed = 0
     AND EXISTS (SELECT 1 FROM snapshots p WHERE p.device_id = s.device_id AND p.id < s.id)
     AND (?2 = '' OR d.platform = ?2)
     AND (?3 = '' OR d.site = ?3)
     AND (?4 = '' OR d.role = ?4)
   GROUP BY d.id
   ORDER BY d.name, d.id
)sql";

ConfigVersion version_from(const detail::SqlRows& row) {
  ConfigVersion version;
  version.number = row.integer(0);
  version.snapshot_id = row.integer(1);
  version.taken_at = row.integer(2);
  version.size = row.integer(3);
  version.sha256 = row.text(4);
  version.line_count = row.integer(5);
  version.lines_added = row.integer(6);
  version.lines_removed = row.integer(7);
  return version;
}

std::string device_text(std::int64_t device_id) {
  return "device " + std::to_string(device_id);
}

}  // namespace

ConfigHistory::ConfigHistory(Database& database) : m_database(database) {}

std::vector<ConfigVersion> ConfigHistory::versions(std::int64_t device_id) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> rows = sql.query(k_versions_sql, detail::SqlParams().add(device_id));
    std::vector<ConfigVersion> out;
    while (rows->next()) {
      out.push_back(version_from(*rows));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "listing the versions of " + device_text(device_id), e);
  }
}

std::optional<ConfigVersion> ConfigHistory::version(std::int64_t device_id, std::int64_t number) {
  if (number < 1) {
    return std::nullopt;
  }
  detail::SqlConnection& sql = m_database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> row =
        sql.query(k_version_by_number_sql, detail::SqlParams().add(device_id).add(number));
    if (!row->next()) {
      return std::nullopt;
    }
    return version_from(*row);
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading version " + std::to_string(number) + " of " + device_text(device_id), e);
  }
}

std::optional<ConfigVersion> ConfigHistory::version_at(std::int64_t device_id, std::int64_t at) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> row =
        sql.query(k_version_at_sql, detail::SqlParams().add(device_id).add(at));
    if (!row->next()) {
      return std::nullopt;
    }
    return version_from(*row);
  } catch (const std::exception& e) {
    throw detail::sql_failure(
        sql, "finding the version of " + device_text(device_id) + " current at " + std::to_string(at), e);
  }
}

std::string ConfigHistory::text(const ConfigVersion& version) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    return detail::read_config_blob(sql, version.sha256);
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading config " + version.sha256, e);
  }
}

ConfigDiff ConfigHistory::diff(const ConfigVersion& from, const ConfigVersion& to) {
  ConfigDiff result{from, to, 0, 0, {}};
  if (from.sha256 == to.sha256) {
    return result;
  }
  const std::string before = text(from);
  const std::string after = text(to);
  auto whole = detail::full_unified_diff(before, after);
  result.lines_added = whole.added;
  result.lines_removed = whole.removed;
  result.text = std::move(whole.text);
  return result;
}

std::vector<DeviceChanges> ConfigHistory::changes_since(std::int64_t since, const DeviceFilter& filter,
                                                        std::int64_t before) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(k_changes_since_sql,
                  detail::SqlParams().add(since).add(filter.platform).add(filter.site).add(filter.role).add(before));
    std::vector<DeviceChanges> out;
    while (rows->next()) {
      DeviceChanges changes;
      changes.device_id = rows->integer(0);
      changes.name = rows->text(1);
      changes.site = rows->text(2);
      changes.platform = rows->text(3);
      changes.role = rows->text(4);
      changes.versions = rows->integer(5);
      changes.lines_added = rows->integer(6);
      changes.lines_removed = rows->integer(7);
      changes.last_change_at = rows->integer(8);
      out.push_back(std::move(changes));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "listing the devices changed since " + std::to_string(since), e);
  }
}

}  // namespace nbsync::storage
