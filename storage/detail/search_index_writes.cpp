#include "storage/detail/search_index_writes.hpp"

#include <SQLiteCpp/Transaction.h>

#include "storage/detail/statement_use.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_insert_sql = "INSERT INTO config_search (rowid, body) VALUES (?1, ?2)";
constexpr const char* k_delete_sql = "INSERT INTO config_search (config_search, rowid, body) VALUES ('delete', ?1, ?2)";
constexpr const char* k_state_sql = "INSERT OR REPLACE INTO search_index_state (device_id, sha256) VALUES (?1, ?2)";

}  // namespace

std::optional<CommonTrigrams> read_search_plan(SQLite::Database& db) {
  SQLite::Statement select(db, "SELECT common_trigrams FROM search_index_plan WHERE id = 1");
  if (!select.executeStep()) {
    return std::nullopt;
  }
  const SQLite::Column column = select.getColumn(0);
  return CommonTrigrams::unpack(
      std::string_view(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes())));
}

void write_search_plan(SQLite::Database& db, const CommonTrigrams& common, std::int64_t sample_configs) {
  const std::string packed = common.packed();
  SQLite::Transaction transaction(db);
  SQLite::Statement insert(db,
                           "INSERT INTO search_index_plan (id, common_trigrams, sample_configs, chosen_at) "
                           "VALUES (1, ?1, ?2, unixepoch())");
  insert.bindNoCopy(1, packed.data(), static_cast<int>(packed.size()));
  insert.bind(2, sample_configs);
  insert.exec();
  db.exec("INSERT INTO config_search (config_search) VALUES ('delete-all')");
  db.exec("DELETE FROM search_index_state");
  transaction.commit();
}

SearchIndexWrites::SearchIndexWrites(SQLite::Database& db)
    : m_insert(db, k_insert_sql), m_delete(db, k_delete_sql), m_state(db, k_state_sql) {}

void SearchIndexWrites::replace(std::int64_t device_id, std::optional<std::string_view> before, std::string_view after,
                                const std::string& sha256) {
  if (before) {
    StatementUse remove(m_delete);
    remove->bind(1, device_id);
    remove->bindNoCopy(2, before->data(), static_cast<int>(before->size()));
    remove->exec();
  }
  {
    StatementUse insert(m_insert);
    insert->bind(1, device_id);
    insert->bindNoCopy(2, after.data(), static_cast<int>(after.size()));
    insert->exec();
  }
  StatementUse state(m_state);
  state->bind(1, device_id);
  state->bind(2, sha256);
  state->exec();
}

}  // namespace nbsync::storage::detail
