#include "storage/history_pruner.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <string>
#include <vector>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/zstd_codec.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_doomed_sql = R"sql(
  CREATE TEMP TABLE doomed_snapshots AS
  SELECT id FROM (
    SELECT id,
           row_number() OVER (PARTITION BY device_id ORDER BY id DESC) AS newer_and_self,
           lead(taken_at) OVER (PARTITION BY device_id ORDER BY id) AS replaced_at
    FROM snapshots)
  WHERE newer_and_self > 1
    AND ((?1 > 0 AND newer_and_self > ?1) OR (?2 > 0 AND replaced_at < ?2))
)sql";

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

std::int64_t delete_garbage(SQLite::Database& db) {
  std::int64_t deleted = 0;
  while (true) {
    const int now_deleted = db.exec(k_delete_garbage_sql);
    if (now_deleted == 0) {
      return deleted;
    }
    deleted += now_deleted;
  }
}

}  // namespace

PruneResult prune_history(Database& database, const RetentionPolicy& policy, std::int64_t now) {
  PruneResult result;
  if (!policy.enabled()) {
    return result;
  }
  SQLite::Database& db = database.sqlite();
  try {
    SQLite::Transaction transaction(db);
    db.exec("DROP TABLE IF EXISTS temp.doomed_snapshots");
    {
      SQLite::Statement doomed(db, k_doomed_sql);
      doomed.bind(1, policy.keep_versions);
      doomed.bind(2, policy.keep_days > 0 ? now - policy.keep_days * 86400 : 0);
      doomed.exec();
    }
    db.exec("UPDATE attempts SET snapshot_id = NULL WHERE snapshot_id IN (SELECT id FROM temp.doomed_snapshots)");
    db.exec("DELETE FROM compliance_results WHERE snapshot_id IN (SELECT id FROM temp.doomed_snapshots)");
    db.exec("DELETE FROM drift_results WHERE snapshot_id IN (SELECT id FROM temp.doomed_snapshots)");
    result.snapshots = db.exec("DELETE FROM snapshots WHERE id IN (SELECT id FROM temp.doomed_snapshots)");
    db.exec("DROP TABLE temp.doomed_snapshots");

    {  // also when no version went now: a blob the search index held until now may go
      SQLite::Statement select_blob(db, detail::k_select_blob_sql);
      SQLite::Statement rewrite(db, k_rewrite_full_sql);
      while (true) {
        result.blobs += delete_garbage(db);
        std::vector<std::string> orphaned;
        {
          SQLite::Statement select(db, k_orphaned_deltas_sql);
          while (select.executeStep()) {
            orphaned.push_back(select.getColumn(0).getString());
          }
        }
        if (orphaned.empty()) {
          break;
        }
        for (const auto& sha256 : orphaned) {
          const std::string frame =
              detail::zstd_compress(detail::read_config_blob(select_blob, database.path(), sha256));
          rewrite.reset();
          rewrite.bind(1, sha256);
          rewrite.bindNoCopy(2, frame.data(), static_cast<int>(frame.size()));
          rewrite.exec();
          ++result.rebased;
        }
      }
    }
    transaction.commit();
    return result;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "pruning old config versions", e);
  }
}

}  // namespace nbsync::storage
