#pragma once
// Keeps the search index (config_search, one document per device) and search_index_state
// in step, on either backend. On SQLite config_search is a contentless FTS5 index with
// nbsync's trigram tokenizer: it holds no text, so removing a document needs the exact text
// it was indexed with (the old version's blob, which pruning keeps while
// search_index_state names it). On PostgreSQL it is a table of the same trigrams as arrays
// (detail/trigram_array.hpp) under a GIN index, whose rows are simply replaced.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/trigrams.hpp"

namespace nbsync::storage::detail {

// The common trigrams the index leaves out, when they have been chosen.
std::optional<CommonTrigrams> read_search_plan(SqlConnection& sql);

// Records `common` as the plan and empties the index (and search_index_state), which held
// every trigram until now, so that it is rebuilt without them; unless a plan was chosen
// meanwhile (another collector): that one stays. Returns the plan in force. One transaction.
CommonTrigrams write_search_plan(SqlConnection& sql, const CommonTrigrams& common, std::int64_t sample_configs);

class SearchIndexWrites {
public:
  // Keeps `sql` and `common` (the plan in force) by reference: writes go into its current
  // transaction.
  SearchIndexWrites(SqlConnection& sql, const CommonTrigrams& common);
  // Whether replace() needs `before`: SQLite's contentless index does.
  bool needs_old_text() const { return m_sql.backend() == SqlBackend::sqlite; }
  // Replaces the device's document: `before` is the text it was indexed with, if any;
  // records `sha256` as the indexed version.
  void replace(std::int64_t device_id, std::optional<std::string_view> before, std::string_view after,
               const std::string& sha256);

private:
  SqlConnection& m_sql;
  const CommonTrigrams& m_common;  // PostgreSQL: SQLite's tokenizer has its own reference
};

}  // namespace nbsync::storage::detail
