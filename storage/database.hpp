#pragma once
// The nbsync SQLite database: opened in WAL mode with foreign keys on, and migrated to the
// newest schema by numbered steps recorded in PRAGMA user_version. A database written by
// a newer nbsync is refused rather than misread. All SQL lives in storage/.
#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace nbsync::storage {

class DatabaseError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
  // `sqlite_code` is SQLite's primary result code (SQLITE_FULL, SQLITE_IOERR, ...), 0 if none.
  DatabaseError(const std::string& message, int sqlite_code)
      : std::runtime_error(message), m_sqlite_code(sqlite_code) {}
  int sqlite_code() const { return m_sqlite_code; }

private:
  int m_sqlite_code = 0;
};

class Database {
public:
  // Opens (creating when absent) and migrates. Throws DatabaseError naming the file.
  explicit Database(const std::filesystem::path& path);

  int schema_version();
  static int latest_schema_version();
  SQLite::Database& sqlite() { return m_db; }
  const std::filesystem::path& path() const { return m_path; }

private:
  void migrate();
  std::filesystem::path m_path;
  SQLite::Database m_db;
};

}  // namespace nbsync::storage
