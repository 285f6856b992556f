#include "storage/history_pruner.hpp"

#include <string>
#include <vector>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage {
namespace {

// The versions to prune, in a temporary table of this connection: a plain table, then
// filled (PostgreSQL prepares no CREATE TABLE AS with parameters).
constexpr const char* k_create_doomed_sql = R"sql(
  DROP TABLE IF EXISTS doomed_snapshots;
  CREATE TEMP TABLE doomed_snapshots (id bigint NOT NULL)
)sql";

constexpr const char* k_doomed_sql = R"sql(
  INSERT INTO doomed_snapshots (id)
  SELECT id FROM (
    SELECT id,
           row_number() OVER (PARTITION BY device_id ORDER BY id DESC) AS newer_and_self,
           lead(taken_at) OVER (PARTITION BY device_id ORDER BY id) AS replaced_at
    FROM snapshots) AS ranked
  WHERE newer_and_self > 1
    AND ((?1 > 0 AND newer_and_self > ?1) OR (?2 > 0 AND replaced_at < ?2))
)sql";

// Collectors sharing a PostgreSQL database prune one at a time (SQLite's write lock does
// the same there).
constexpr std::int64_t k_prune_lock = 0x6e6270727565;  // "nbprue"

// Blobs that neither a snapshot nor another blob (as a delta base) needs.
constexpr const char* k_delete_garbage_sql = R"sql(
  DELETE FROM blobs
  WHERE NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.sha256 = blobs.sha256)
    AND NOT EXISTS (SELECT 1 FROM blobs d WHERE d.base_sha256 = blobs.sha256)
    AND NOT EXISTS (SELECT 1 FROM search_index_state i WHERE i.sha256 = blobs.sha256)
)sql";

// Deltas whose base is kept only for them.
constexpr const char* k_orphaned_deltas_sql = R"sql(
  SELECT d.sha256 FROM blobs d
  WHERE d.base_sha256 IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.sha256 = d.base_sha256)
)sql";

constexpr const char* k_rewrite_full_sql = R"sql(
  UPDATE blobs SET codec = 'zstd', base_sha256 = NULL, depth = 0, content = ?2 WHERE sha256 = ?1
)sql";

std::int64_t delete_garbage(detail::SqlConnection& sql) {
  std::int64_t deleted = 0;
  while (true) {
    const std::int64_t now_deleted = sql.execute(k_delete_garbage_sql);
    if (now_deleted == 0) {
      return deleted;
    }
    deleted += now_deleted;
  }
}

// Removes the doomed versions and what refers to them; returns how many went.
std::int64_t delete_doomed(detail::SqlConnection& sql, const RetentionPolicy& policy, std::int64_t now) {
  sql.execute_script(k_create_doomed_sql);
  sql.execute(
      k_doomed_sql,
      detail::SqlParams().add(policy.keep_versions).add(policy.keep_days > 0 ? now - policy.keep_days * 86400 : 0));
  sql.execute("UPDATE attempts SET snapshot_id = NULL WHERE snapshot_id IN (SELECT id FROM doomed_snapshots)");
  sql.execute("DELETE FROM compliance_results WHERE snapshot_id IN (SELECT id FROM doomed_snapshots)");
  sql.execute("DELETE FROM drift_results WHERE snapshot_id IN (SELECT id FROM doomed_snapshots)");
  const std::int64_t deleted = sql.execute("DELETE FROM snapshots WHERE id IN (SELECT id FROM doomed_snapshots)");
  sql.execute_script("DROP TABLE doomed_snapshots");
  return deleted;
}

// Deletes the blobs nothing needs any more, rewriting as full copies the deltas whose
// base goes, until none is left. Also when no version went now: a blob the search index
// held until now may go.
void delete_unneeded_blobs(detail::SqlConnection& sql, PruneResult& result) {
  while (true) {
    result.blobs += delete_garbage(sql);
    std::vector<std::string> orphaned;
    {
      const std::unique_ptr<detail::SqlRows> select = sql.query(k_orphaned_deltas_sql);
      while (select->next()) {
        orphaned.push_back(select->text(0));
      }
    }
    if (orphaned.empty()) {
      return;
    }
    for (const auto& sha256 : orphaned) {
      const std::string frame = detail::zstd_compress(detail::read_config_blob(sql, sha256));
      sql.execute(k_rewrite_full_sql, detail::SqlParams().add(sha256).add_blob(frame));
      ++result.rebased;
    }
  }
}

}  // namespace

PruneResult prune_history(Database& database, const RetentionPolicy& policy, std::int64_t now) {
  PruneResult result;
  if (!policy.enabled()) {
    return result;
  }
  detail::SqlConnection& sql = database.connection();
  try {
    sql.begin();
    if (sql.backend() == detail::SqlBackend::postgresql) {
      sql.execute("SELECT pg_advisory_xact_lock(?1)", detail::SqlParams().add(k_prune_lock));
    }
    result.snapshots = delete_doomed(sql, policy, now);
    delete_unneeded_blobs(sql, result);
    sql.commit();
    return result;
  } catch (const std::exception& e) {
    sql.rollback();
    throw detail::sql_failure(sql, "pruning old config versions", e);
  }
}

}  // namespace nbsync::storage
