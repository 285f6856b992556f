#pragma once
// "nbsync_trigram", the FTS5 tokenizer of config_search: a document gives each distinct
// trigram (detail/trigrams.hpp) once, except the common ones; a query string gives each of
// its trigrams. With detail=none the index only needs which trigrams
// a document holds, so giving each once (instead of every window of a 50 KB config, as
// SQLite's trigram tokenizer does) makes keeping the index several times cheaper. Every
// connection that touches config_search must register it first (Database does).
#include <sqlite3.h>

#include "storage/detail/trigrams.hpp"

namespace nbsync::storage::detail {

inline constexpr const char* k_trigram_tokenizer = "nbsync_trigram";

// Returns SQLite's result code (SQLITE_OK when registered). Documents leave out the
// trigrams `common` holds when they are indexed; `common` must outlive the connection.
int register_trigram_tokenizer(sqlite3* db, const CommonTrigrams& common);

}  // namespace nbsync::storage::detail
