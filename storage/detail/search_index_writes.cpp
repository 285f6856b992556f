#include "storage/detail/search_index_writes.hpp"

#include <SQLiteCpp/Transaction.h>

#include <string>

#include "storage/detail/blob_reader.hpp"
#include "storage/detail/statement_use.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_insert_sql = "INSERT INTO config_search (rowid, body) VALUES (?1, ?2)";
constexpr const char* k_delete_sql = "INSERT INTO config_search (config_search, rowid, body) VALUES ('delete', ?1, ?2)";
constexpr const char* k_latest_sql = R"sql(
  SELECT s.device_id, s.sha256 FROM snapshots s
  WHERE s.id = (SELECT max(id) FROM snapshots WHERE device_id = s.device_id)
)sql";

}  // namespace

SearchIndexWrites::SearchIndexWrites(SQLite::Database& db) : m_insert(db, k_insert_sql), m_delete(db, k_delete_sql) {}

void SearchIndexWrites::replace(std::int64_t device_id, std::optional<std::string_view> before,
                                std::string_view after) {
  if (before) {
    StatementUse remove(m_delete);
    remove->bind(1, device_id);
    remove->bindNoCopy(2, before->data(), static_cast<int>(before->size()));
    remove->exec();
  }
  StatementUse insert(m_insert);
  insert->bind(1, device_id);
  insert->bindNoCopy(2, after.data(), static_cast<int>(after.size()));
  insert->exec();
}

std::int64_t SearchIndexWrites::rebuild_if_stale(SQLite::Database& db, const std::filesystem::path& file) {
  if (db.execAndGet("SELECT coalesce((SELECT value FROM nbsync_meta WHERE key = 'search_index'), 'ready')")
          .getString() == "ready") {
    return 0;
  }
  SQLite::Transaction transaction(db);
  db.exec("INSERT INTO config_search (config_search) VALUES ('delete-all')");
  SearchIndexWrites writes(db);
  SQLite::Statement select_blob(db, k_select_blob_sql);
  SQLite::Statement latest(db, k_latest_sql);
  std::int64_t indexed = 0;
  while (latest.executeStep()) {
    const std::string text = read_config_blob(select_blob, file, latest.getColumn(1).getString());
    writes.replace(latest.getColumn(0).getInt64(), std::nullopt, text);
    ++indexed;
  }
  latest.reset();
  db.exec("INSERT OR REPLACE INTO nbsync_meta (key, value) VALUES ('search_index', 'ready')");
  transaction.commit();
  return indexed;
}

}  // namespace nbsync::storage::detail
