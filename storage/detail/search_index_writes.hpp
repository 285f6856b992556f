#pragma once
// Keeps config_search (a contentless FTS5 trigram index, one document per device: its
// latest config) in step with the snapshots. Contentless means the index holds no text,
// so removing a document needs the exact text it was indexed with: the caller passes the
// previous version. A database migrated with configs but no index is marked 'stale' in
// nbsync_meta; rebuild_if_stale() indexes every device's latest config once.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>

namespace nbsync::storage::detail {

class SearchIndexWrites {
public:
  explicit SearchIndexWrites(SQLite::Database& db);
  // Replaces the device's document: `before` is the text it was indexed with, if any.
  void replace(std::int64_t device_id, std::optional<std::string_view> before, std::string_view after);
  // Runs in its own transaction; returns how many devices were indexed.
  static std::int64_t rebuild_if_stale(SQLite::Database& db, const std::filesystem::path& file);

private:
  SQLite::Statement m_insert;
  SQLite::Statement m_delete;
};

}  // namespace nbsync::storage::detail
