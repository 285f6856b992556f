#include "storage/config_history.hpp"

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/full_unified_diff.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/statement_use.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage {
namespace {

// Version numbers are ranks by snapshot id within the device (ids grow with time).
constexpr const char* k_versions_sql = R"sql(
  SELECT row_number() OVER (ORDER BY id), id, taken_at, size, sha256, line_count, lines_added, lines_removed
    FROM snapshots WHERE device_id = ?1 ORDER BY id
)sql";

constexpr const char* k_version_by_number_sql = R"sql(
  SELECT ?2, id, taken_at, size, sha256, line_count, lines_added, lines_removed
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

ConfigVersion version_from(SQLite::Statement& row) {
  ConfigVersion version;
  version.number = row.getColumn(0).getInt64();
  version.snapshot_id = row.getColumn(1).getInt64();
  version.taken_at = row.getColumn(2).getInt64();
  version.size = row.getColumn(3).getInt64();
  version.sha256 = row.getColumn(4).getString();
  version.line_count = row.getColumn(5).getInt64();
  version.lines_added = row.getColumn(6).getInt64();
  version.lines_removed = row.getColumn(7).getInt64();
  return version;
}

std::string device_text(std::int64_t device_id) {
  return "device " + std::to_string(device_id);
}

}  // namespace

ConfigHistory::ConfigHistory(Database& database) try
    : m_database(database),
      m_versions(database.sqlite(), k_versions_sql),
      m_version_by_number(database.sqlite(), k_version_by_number_sql),
      m_version_at(database.sqlite(), k_version_at_sql),
      m_select_blob(database.sqlite(), detail::k_select_blob_sql),
      m_changes_since(database.sqlite(), k_changes_since_sql) {
} catch (const std::exception& e) {
  throw detail::sqlite_failure(database.path(), "preparing the history queries", e);
}

std::vector<ConfigVersion> ConfigHistory::versions(std::int64_t device_id) {
  try {
    detail::StatementUse select(m_versions);
    select->bind(1, device_id);
    std::vector<ConfigVersion> out;
    while (select->executeStep()) {
      out.push_back(version_from(*select));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "listing the versions of " + device_text(device_id), e);
  }
}

std::optional<ConfigVersion> ConfigHistory::version(std::int64_t device_id, std::int64_t number) {
  if (number < 1) {
    return std::nullopt;
  }
  try {
    detail::StatementUse select(m_version_by_number);
    select->bind(1, device_id);
    select->bind(2, number);
    if (!select->executeStep()) {
      return std::nullopt;
    }
    return version_from(*select);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(),
                                 "reading version " + std::to_string(number) + " of " + device_text(device_id), e);
  }
}

std::optional<ConfigVersion> ConfigHistory::version_at(std::int64_t device_id, std::int64_t at) {
  try {
    detail::StatementUse select(m_version_at);
    select->bind(1, device_id);
    select->bind(2, at);
    if (!select->executeStep()) {
      return std::nullopt;
    }
    return version_from(*select);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(
        m_database.path(), "finding the version of " + device_text(device_id) + " current at " + std::to_string(at), e);
  }
}

std::string ConfigHistory::text(const ConfigVersion& version) {
  try {
    return detail::read_config_blob(m_select_blob, m_database.path(), version.sha256);
  } catch (const DatabaseError&) {
    throw;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading config " + version.sha256, e);
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
  try {
    detail::StatementUse select(m_changes_since);
    select->bind(1, since);
    select->bind(2, filter.platform);
    select->bind(3, filter.site);
    select->bind(4, filter.role);
    select->bind(5, before);
    std::vector<DeviceChanges> out;
    while (select->executeStep()) {
      DeviceChanges changes;
      changes.device_id = select->getColumn(0).getInt64();
      changes.name = select->getColumn(1).getString();
      changes.site = select->getColumn(2).getString();
      changes.platform = select->getColumn(3).getString();
      changes.role = select->getColumn(4).getString();
      changes.versions = select->getColumn(5).getInt64();
      changes.lines_added = select->getColumn(6).getInt64();
      changes.lines_removed = select->getColumn(7).getInt64();
      changes.last_change_at = select->getColumn(8).getInt64();
      out.push_back(std::move(changes));
    }
    return out;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "listing the devices changed since " + std::to_string(since), e);
  }
}

}  // namespace nbsync::storage
