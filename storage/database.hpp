#pragma once
// The nbsync database: an SQLite file (the default) opened in WAL mode with foreign keys on,
// or a PostgreSQL database (several collectors share one). Either is migrated to the
// newest schema by the same numbered steps, recorded in PRAGMA user_version (SQLite) or the
// schema_version table (PostgreSQL). A database written by a newer nbsync is refused
// rather than misread. All SQL lives in storage/; every store is on the statement layer
// (detail/sql_connection.hpp). sqlite(), which refuses a PostgreSQL database, is left for
// what only SQLite has (tests of its pragmas).
#include <SQLiteCpp/Database.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "types/secret.hpp"
#include "types/user_error.hpp"

namespace nbsync::storage {
namespace detail {
class CommonTrigrams;
class SqlConnection;
}  // namespace detail

// Where a PostgreSQL database is: `uri` as libpq reads it (postgresql://user@host/db?...),
// which must carry no password; the password, when the server asks for one, comes apart
// from it (a credential file, as every secret).
struct PostgresLocation {
  std::string uri;
  Secret password;
};

// True for a `storage.database` value that names PostgreSQL (postgresql:// or postgres://).
bool is_postgres_uri(std::string_view location);

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
  // Connects and migrates. Throws DatabaseError naming the URI (never a password).
  explicit Database(const PostgresLocation& location);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  int schema_version();
  static int latest_schema_version();
  // The SQLite connection, for what only SQLite has. Throws DatabaseError on PostgreSQL,
  // naming `what` as not supported there.
  SQLite::Database& sqlite(std::string_view what = "this part of nbsync");
  // The SQLite file, or the PostgreSQL URI: what messages name.
  const std::filesystem::path& path() const { return m_path; }

  // For storage/ only: the statement layer over this database, on either backend.
  detail::SqlConnection& connection() { return *m_connection; }

  // For storage/ only: the trigrams this connection's search tokenizer leaves out of the
  // configs it indexes (search_index.cpp keeps it equal to search_index_plan).
  detail::CommonTrigrams& common_trigrams() { return *m_common_trigrams; }

private:
  void migrate_sqlite();
  void migrate_postgres();
  std::filesystem::path m_path;
  std::unique_ptr<detail::CommonTrigrams> m_common_trigrams;  // before m_db: it outlives the connection
  std::unique_ptr<SQLite::Database> m_db;                     // null on PostgreSQL
  std::unique_ptr<detail::SqlConnection> m_connection;        // after m_db: it uses it
};

}  // namespace nbsync::storage
