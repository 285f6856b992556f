#pragma once
// The nbsync SQLite database: opened in WAL mode with foreign keys on, and migrated to the
// newest schema by numbered steps recorded in PRAGMA user_version. A database written by
// a newer nbsync is refused rather than misread. All SQL lives in storage/.
#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "types/user_error.hpp"

namespace nbsync::storage {
namespace detail {
class CommonTrigrams;
}

// The database could not do what nbsync needed (exit 1): names the file and what to do.
class DatabaseError : public UserError {
public:
  explicit DatabaseError(const std::string& message) : UserError(message, k_exit_failed) {}
  // `sqlite_code` is SQLite's primary result code (SQLITE_FULL, SQLITE_IOERR, ...), 0 if none.
  DatabaseError(const std::string& message, int sqlite_code)
      : UserError(message, k_exit_failed), m_sqlite_code(sqlite_code) {}
  int sqlite_code() const { return m_sqlite_code; }

private:
  int m_sqlite_code = 0;
};

class Database {
public:
  // Opens (creating when absent) and migrates. Throws DatabaseError naming the file.
  explicit Database(const std::filesystem::path& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int schema_version();
  static int latest_schema_version();
  SQLite::Database& sqlite() { return m_db; }
  const std::filesystem::path& path() const { return m_path; }

  // For storage/ only: the trigrams this connection's search tokenizer leaves out of the
  // configs it indexes (search_index.cpp keeps it equal to search_index_plan).
  detail::CommonTrigrams& common_trigrams() { return *m_common_trigrams; }

private:
  void migrate();
  std::filesystem::path m_path;
  std::unique_ptr<detail::CommonTrigrams> m_common_trigrams;  // before m_db: it outlives the connection
  SQLite::Database m_db;
};

}  // namespace nbsync::storage
