#pragma once
// One transaction on the statement layer for a scope: begun when made, committed by
// commit(), rolled back when the scope ends without it (an early return, an exception).
// On SQLite the begin is BEGIN IMMEDIATE (the write lock at once).
#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

class SqlTransaction {
public:
  explicit SqlTransaction(SqlConnection& sql) : m_sql(sql) { m_sql.begin(); }
  ~SqlTransaction() {
    if (!m_committed) {
      m_sql.rollback();
    }
  }
  SqlTransaction(const SqlTransaction&) = delete;
  SqlTransaction& operator=(const SqlTransaction&) = delete;

  void commit() {
    m_sql.commit();
    m_committed = true;
  }

private:
  SqlConnection& m_sql;
  bool m_committed = false;
};

}  // namespace nbsync::storage::detail
