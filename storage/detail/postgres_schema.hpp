#pragma once
// The PostgreSQL schema, in the same numbered, forward-only steps as SQLite's
// (storage/database.cpp): step N means the same tables and columns on both, so a database
// at version N can be copied from one to the other. Types: bigint for every integer (ids,
// counts, 0/1 flags), bytea for zstd blobs, text for text, and timestamps as bigint unix
// seconds (UTC) as in SQLite, so that every query and value is the same on both backends.
// The one table that differs: config_search, the search index, is an FTS5 table in
// SQLite's step 4 and a table of trigram arrays under a GIN index in PostgreSQL's step 15
// (which replaced step 10's pg_trgm index; both steps have nothing to do on SQLite).
#include <cstddef>
#include <string_view>

namespace nbsync::storage::detail {

inline constexpr std::size_t k_postgres_migration_count = 15;

// The SQL of step `version` (1 ... k_postgres_migration_count).
std::string_view postgres_migration(int version);

}  // namespace nbsync::storage::detail
