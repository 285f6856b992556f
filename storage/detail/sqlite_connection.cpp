#include "storage/detail/sqlite_connection.hpp"

#include <sqlite3.h>

#include <climits>

namespace nbsync::storage::detail {
namespace {

// One use of a statement: the cached one when free, else one of its own (a query of the
// same SQL while an earlier one's rows are still read). Reset and unbound on both ends.
class StatementLease {
public:
  StatementLease(SQLite::Database& database, std::string_view sql, SqliteConnection::CachedStatement& cached) {
    if (cached.in_use) {
      m_own = std::make_unique<SQLite::Statement>(database, std::string(sql));
      m_statement = m_own.get();
    } else {
      if (!cached.statement) {
        cached.statement = std::make_unique<SQLite::Statement>(database, std::string(sql));
      }
      cached.in_use = true;
      m_cached = &cached;
      m_statement = cached.statement.get();
      m_statement->tryReset();
      m_statement->clearBindings();
    }
  }
  ~StatementLease() {
    m_statement->tryReset();
    if (m_cached != nullptr) {
      m_cached->in_use = false;
    }
  }
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;

  SQLite::Statement& operator*() { return *m_statement; }
  const SQLite::Statement& operator*() const { return *m_statement; }

private:
  std::unique_ptr<SQLite::Statement> m_own;
  SqliteConnection::CachedStatement* m_cached = nullptr;
  SQLite::Statement* m_statement = nullptr;
};

void bind_all(SQLite::Statement& statement, const SqlParams& params) {
  int index = 1;
  for (const SqlParams::Value& value : params.values()) {
    switch (value.kind) {
      case SqlParams::Kind::null:
        statement.bind(index);
        break;
      case SqlParams::Kind::integer:
        statement.bind(index, value.integer);
        break;
      case SqlParams::Kind::text:
        statement.bind(index, value.bytes);
        break;
      case SqlParams::Kind::blob:
        if (value.bytes.size() > static_cast<std::size_t>(INT_MAX)) {
          throw std::length_error("a blob over 2 GiB cannot be stored in SQLite");
        }
        statement.bind(index, value.bytes.data(), static_cast<int>(value.bytes.size()));
        break;
    }
    ++index;
  }
}

class SqliteRows final : public SqlRows {
public:
  SqliteRows(SQLite::Database& database, std::string_view sql, SqliteConnection::CachedStatement& cached,
             const SqlParams& params)
      : m_lease(database, sql, cached) {
    bind_all(*m_lease, params);
  }
  bool next() override { return (*m_lease).executeStep(); }
  bool is_null(int column) const override { return column_at(column).isNull(); }
  std::int64_t integer(int column) const override { return column_at(column).getInt64(); }
  std::string text(int column) const override { return column_at(column).getString(); }
  std::string blob(int column) const override { return column_at(column).getString(); }

private:
  SQLite::Column column_at(int column) const { return (*m_lease).getColumn(column); }
  StatementLease m_lease;
};

}  // namespace

SqliteConnection::SqliteConnection(SQLite::Database& database, std::string name)
    : m_database(database), m_name(std::move(name)) {}

std::unique_ptr<SqlRows> SqliteConnection::query(std::string_view sql, const SqlParams& params) {
  return std::make_unique<SqliteRows>(m_database, sql, m_statements[std::string(sql)], params);
}

std::int64_t SqliteConnection::execute(std::string_view sql, const SqlParams& params) {
  StatementLease statement(m_database, sql, m_statements[std::string(sql)]);
  bind_all(*statement, params);
  return (*statement).exec();
}

void SqliteConnection::execute_script(std::string_view sql) {
  m_database.exec(std::string(sql));
}

void SqliteConnection::begin() {
  m_database.exec("BEGIN IMMEDIATE");
}

void SqliteConnection::begin_read() {
  m_database.exec("BEGIN");
}

void SqliteConnection::commit() {
  m_database.exec("COMMIT");
}

void SqliteConnection::rollback() noexcept {
  if (in_transaction()) {
    m_database.tryExec("ROLLBACK");
  }
}

bool SqliteConnection::in_transaction() const {
  return sqlite3_get_autocommit(m_database.getHandle()) == 0;
}

}  // namespace nbsync::storage::detail
