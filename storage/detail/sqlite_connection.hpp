#pragma once
// The statement layer over an open SQLiteCpp database (storage/database.cpp opens it: WAL,
// foreign keys, busy timeout). Statements are prepared once and kept per SQL text; a use
// resets its statement on entry and exit, so no half-read SELECT holds a read transaction.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <string>
#include <unordered_map>

#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

class SqliteConnection final : public SqlConnection {
public:
  // Keeps `database` by reference; `name` is its file for messages.
  SqliteConnection(SQLite::Database& database, std::string name);

  SqlBackend backend() const override { return SqlBackend::sqlite; }
  const std::string& name() const override { return m_name; }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override;
  std::int64_t execute(std::string_view sql, const SqlParams& params) override;
  void execute_queued(std::string_view sql, const SqlParams& params) override { execute(sql, params); }
  void execute_script(std::string_view sql) override;
  void begin() override;
  void begin_read() override;
  void commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override;

  struct CachedStatement {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
  };

private:
  SQLite::Database& m_database;
  std::string m_name;
  std::unordered_map<std::string, CachedStatement> m_statements;
};

}  // namespace nbsync::storage::detail
