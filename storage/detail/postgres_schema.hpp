#pragma once
// The PostgreSQL schema, in the same numbered, forward-only steps as SQLite's
// (storage/database.cpp): step N means the same tables and columns on both, so a database
// at version N can be copied from one to the other. Types: bigint for every integer (ids,
// counts, 0/1 flags), bytea for zstd blobs, text for text, and timestamps as bigint unix
// seconds (UTC) as in SQLite, so that every query and value is the same on both backends.
// What PostgreSQL does not have yet: the trigram search index of step 4 (FTS5 in SQLite);
// pg_trgm will give it in a later step both backends share.
#include <cstddef>
#include <string_view>

namespace nbsync::storage::detail {

inline constexpr std::size_t k_postgres_migration_count = 9;

// The SQL of step `version` (1 ... k_postgres_migration_count).
std::string_view postgres_migration(int version);

}  // namespace nbsync::storage::detail
