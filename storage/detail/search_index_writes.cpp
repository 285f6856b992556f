#include "storage/detail/search_index_writes.hpp"

#include <chrono>

#include "storage/detail/trigram_array.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_sqlite_insert_sql = "INSERT INTO config_search (rowid, body) VALUES (?1, ?2)";
constexpr const char* k_sqlite_delete_sql =
    "INSERT INTO config_search (config_search, rowid, body) VALUES ('delete', ?1, ?2)";
constexpr const char* k_postgres_upsert_sql = R"sql(
  INSERT INTO config_search (device_id, trigrams) VALUES (?1, CAST(?2 AS integer[]))
  ON CONFLICT (device_id) DO UPDATE SET trigrams = excluded.trigrams
)sql";
constexpr const char* k_state_sql = R"sql(
  INSERT INTO search_index_state (device_id, sha256) VALUES (?1, ?2)
  ON CONFLICT (device_id) DO UPDATE SET sha256 = excluded.sha256
)sql";

// Indexed: no longer pending, unless a newer version came meanwhile (another collector).
constexpr const char* k_not_pending_sql = R"sql(
  DELETE FROM search_index_pending
   WHERE device_id = ?1 AND ?2 = (SELECT sha256 FROM snapshots WHERE device_id = ?1 ORDER BY id DESC LIMIT 1)
)sql";
// An emptied index: every device with a version is pending again.
constexpr const char* k_all_pending_sql = R"sql(
  INSERT INTO search_index_pending (device_id) SELECT DISTINCT device_id FROM snapshots WHERE true
  ON CONFLICT DO NOTHING
)sql";

}  // namespace

std::optional<CommonTrigrams> read_search_plan(SqlConnection& sql) {
  const std::unique_ptr<SqlRows> row = sql.query("SELECT common_trigrams FROM search_index_plan WHERE id = 1");
  if (!row->next()) {
    return std::nullopt;
  }
  return CommonTrigrams::unpack(row->blob(0));
}

CommonTrigrams write_search_plan(SqlConnection& sql, const CommonTrigrams& common, std::int64_t sample_configs) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  sql.begin();
  try {
    // Collectors sharing PostgreSQL may choose at the same moment: the first one's stands
    // (the others' inserts wait for it, then do nothing) and only that one empties the index.
    const bool chosen = sql.query(R"sql(
      INSERT INTO search_index_plan (id, common_trigrams, sample_configs, chosen_at) VALUES (1, ?1, ?2, ?3)
      ON CONFLICT (id) DO NOTHING RETURNING id)sql",
                                  SqlParams().add_blob(common.packed()).add(sample_configs).add(now))
                            ->next();
    if (chosen) {
      sql.execute(sql.backend() == SqlBackend::sqlite
                      ? "INSERT INTO config_search (config_search) VALUES ('delete-all')"
                      : "DELETE FROM config_search");
      sql.execute("DELETE FROM search_index_state");
      sql.execute(k_all_pending_sql);
    }
    CommonTrigrams in_force = chosen ? common : read_search_plan(sql).value_or(CommonTrigrams{});
    sql.commit();
    return in_force;
  } catch (...) {
    sql.rollback();
    throw;
  }
}

SearchIndexWrites::SearchIndexWrites(SqlConnection& sql, const CommonTrigrams& common) : m_sql(sql), m_common(common) {}

void SearchIndexWrites::replace(std::int64_t device_id, std::optional<std::string_view> before, std::string_view after,
                                const std::string& sha256) {
  if (m_sql.backend() == SqlBackend::postgresql) {
    m_sql.execute(k_postgres_upsert_sql, SqlParams().add(device_id).add(trigram_array(after, m_common)));
  } else {
    if (before) {
      m_sql.execute(k_sqlite_delete_sql, SqlParams().add(device_id).add(*before));
    }
    m_sql.execute(k_sqlite_insert_sql, SqlParams().add(device_id).add(after));
  }
  m_sql.execute(k_state_sql, SqlParams().add(device_id).add(sha256));
  m_sql.execute(k_not_pending_sql, SqlParams().add(device_id).add(sha256));
}

}  // namespace nbsync::storage::detail
