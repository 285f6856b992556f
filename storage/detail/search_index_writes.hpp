#pragma once
// Keeps config_search (a contentless FTS5 index with nbsync's trigram tokenizer, one
// document per device) and search_index_state in step. Contentless means the index holds
// no text, so removing a document needs the exact text it was indexed with: the old
// version's blob, which pruning keeps while search_index_state names it.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/detail/trigrams.hpp"

namespace nbsync::storage::detail {

// The common trigrams the index leaves out, when they have been chosen.
std::optional<CommonTrigrams> read_search_plan(SQLite::Database& db);

// Records `common` as the plan and empties the index (and search_index_state), which held
// every trigram until now, so that it is rebuilt without them. One transaction.
void write_search_plan(SQLite::Database& db, const CommonTrigrams& common, std::int64_t sample_configs);

class SearchIndexWrites {
public:
  explicit SearchIndexWrites(SQLite::Database& db);
  // Replaces the device's document: `before` is the text it was indexed with, if any;
  // records `sha256` as the indexed version.
  void replace(std::int64_t device_id, std::optional<std::string_view> before, std::string_view after,
               const std::string& sha256);

private:
  SQLite::Statement m_insert;
  SQLite::Statement m_delete;
  SQLite::Statement m_state;
};

}  // namespace nbsync::storage::detail
