#pragma once
// The statement layer over libpq, used directly (PQprepare/PQexecPrepared) rather than
// through libpqxx: the layer is a few hundred lines either way, libpq is what libpqxx wraps
// and is already in every PostgreSQL install, and nbsync keeps one error model (numbered
// parameters, PostgresError) for both backends. Parameters go as text, blobs as binary
// bytea; results come back as text. When the server went away, the statement fails with
// PostgresError{connection_lost} and the next one connects again. Queued statements
// (execute_queued) go in libpq's pipeline mode: sent at once, their results read together
// when any other statement (or the commit) comes.
#include <string>
#include <unordered_map>

#include "storage/detail/sql_connection.hpp"

// libpq's handles, declared as libpq-fe.h does, so that this header does not need libpq's.
extern "C" {
typedef struct pg_conn PGconn;      // NOLINT(modernize-use-using): libpq's own spelling
typedef struct pg_result PGresult;  // NOLINT(modernize-use-using)
}

namespace nbsync::storage::detail {

// `sql` with ?N made $N (outside quotes and comments). A bare `?` is refused: write ?1, ?2.
std::string postgres_placeholders(std::string_view sql);

class PostgresConnection final : public SqlConnection {
public:
  // Connects to `uri` (postgresql://user@host/db?...), which must carry no password;
  // `password` (empty: none, or ~/.pgpass) goes to libpq beside it. Throws PostgresError.
  PostgresConnection(std::string uri, std::string password);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlBackend backend() const override { return SqlBackend::postgresql; }
  const std::string& name() const override { return m_uri; }
  std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params) override;
  std::int64_t execute(std::string_view sql, const SqlParams& params) override;
  void execute_queued(std::string_view sql, const SqlParams& params) override;
  void execute_script(std::string_view sql) override;
  void begin() override;
  void begin_read() override;
  void commit() override;
  void rollback() noexcept override;
  bool in_transaction() const override;

private:
  void connect();
  PGconn* live();
  const std::string& prepared(std::string_view sql);  // the server-side name, prepared once
  PGresult* run_prepared(std::string_view sql, const SqlParams& params);
  void queue(const std::string& name, const SqlParams& params);
  // Ends the pipeline of queued statements: sends them, reads their results, and throws the
  // first failure among them (PostgresError, as if it had been the statement just run).
  void send_queued();
  PGresult* run_simple(const std::string& sql);
  [[noreturn]] void fail(PGresult* result);

  std::string m_uri;
  std::string m_password;
  PGconn* m_connection = nullptr;
  bool m_transaction_open = false;  // begin() until commit() or rollback(), even if the server went away
  std::unordered_map<std::string, std::string> m_prepared;  // SQL -> server-side statement name
  int m_queued = 0;  // statements sent in pipeline mode whose results are not read yet
};

}  // namespace nbsync::storage::detail
