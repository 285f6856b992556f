#pragma once
// `nbsync db copy --to postgresql://...`: moves an SQLite nbsync database (the config's
// storage.database, or --from FILE) into an empty PostgreSQL database
// (storage/database_copy.hpp), prints each copied table with its row count and one
// summary line. The PostgreSQL password comes from --to-password-file, or as libpq finds
// one (PGPASSWORD, ~/.pgpass); a password inside the URI is refused without repeating it.
#include <filesystem>
#include <string>

namespace nbsync::commands {

struct DbCopyOptions {
  std::string to;                          // postgresql://user@host:port/database?...
  std::filesystem::path to_password_file;  // empty: libpq's own ways
  std::filesystem::path from;              // empty: the config's storage.database
  std::filesystem::path config;            // read only without `from`
};

int run_db_copy(const DbCopyOptions& options);

}  // namespace nbsync::commands
