#pragma once
// Where nbsync's database is, whichever backend: an SQLite file, or PostgreSQL
// (storage.database = "postgresql://..."). What opens the database, its outbox or its host
// keys from a location picks the backend here, so callers never branch on it.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "storage/host_key_store.hpp"
#include "storage/outbox.hpp"

namespace nbsync::storage {

struct DatabaseLocation {
  std::filesystem::path file;                // the SQLite file; on PostgreSQL the URI, for messages
  std::optional<PostgresLocation> postgres;  // set: the database is PostgreSQL
};

// From the config's storage.database: `postgres_uri` empty means the SQLite `file`.
DatabaseLocation database_location(const std::filesystem::path& file, const std::string& postgres_uri,
                                   const Secret& password);

std::unique_ptr<Database> open_database(const DatabaseLocation& location);
std::unique_ptr<Outbox> open_outbox(const DatabaseLocation& location);
std::unique_ptr<HostKeyStore> open_host_keys(const DatabaseLocation& location);
// Whether there is a database yet (an SQLite file that exists; PostgreSQL: always).
bool database_exists(const DatabaseLocation& location);

}  // namespace nbsync::storage
