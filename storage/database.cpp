#include "storage/database.hpp"

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <string>
#include <string_view>

namespace nbsync::storage {
namespace {

// Migration N takes the schema from version N-1 to N. Append only; never edit a step
// that has shipped.
constexpr std::array<std::string_view, 1> k_migrations = {
    // 1: bookkeeping about the database itself.
    R"sql(
      CREATE TABLE nbsync_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      INSERT INTO nbsync_meta (key, value) VALUES ('created_at', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
    )sql",
};

SQLite::Database open_sqlite(const std::filesystem::path& path) {
  try {
    return SQLite::Database(path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  } catch (const SQLite::Exception& e) {
    throw DatabaseError(path.string() + ": cannot open the database: " + e.what() +
                        " (check that the directory exists and is writable by nbsync)");
  }
}

}  // namespace

Database::Database(const std::filesystem::path& path) : m_path(path), m_db(open_sqlite(path)) {
  try {
    m_db.exec("PRAGMA journal_mode = WAL");
    m_db.exec("PRAGMA synchronous = NORMAL");
    m_db.exec("PRAGMA foreign_keys = ON");
    m_db.setBusyTimeout(10000);
    migrate();
  } catch (const SQLite::Exception& e) {
    throw DatabaseError(m_path.string() + ": " + e.what());
  }
}

int Database::schema_version() { return m_db.execAndGet("PRAGMA user_version").getInt(); }

int Database::latest_schema_version() { return static_cast<int>(k_migrations.size()); }

void Database::migrate() {
  const int current = schema_version();
  if (current > latest_schema_version()) {
    throw DatabaseError(m_path.string() + ": schema version " + std::to_string(current) +
                        " was written by a newer nbsync (this one knows up to " +
                        std::to_string(latest_schema_version()) + "); upgrade nbsync or use another database file");
  }
  for (int version = current + 1; version <= latest_schema_version(); ++version) {
    SQLite::Transaction transaction(m_db);
    m_db.exec(std::string(k_migrations[static_cast<std::size_t>(version - 1)]));
    m_db.exec("PRAGMA user_version = " + std::to_string(version));
    transaction.commit();
  }
}

}  // namespace nbsync::storage
