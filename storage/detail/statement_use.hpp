#pragma once
// One use of a statement prepared once: resets it on entry (a previous failure cannot
// leak into this use) and on exit, so no stepped-but-unfinished SELECT keeps a read
// transaction open, which would stop WAL checkpoints and let the WAL grow.
#include <SQLiteCpp/Statement.h>

namespace nbsync::storage::detail {

class StatementUse {
public:
  explicit StatementUse(SQLite::Statement& statement) : m_statement(statement) { m_statement.tryReset(); }
  ~StatementUse() { m_statement.tryReset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;

  SQLite::Statement* operator->() { return &m_statement; }
  SQLite::Statement& operator*() { return m_statement; }

private:
  SQLite::Statement& m_statement;
};

}  // namespace nbsync::storage::detail
