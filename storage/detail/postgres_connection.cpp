#include "storage/detail/postgres_connection.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <memory>
#include <vector>

namespace nbsync::storage::detail {
namespace {

constexpr Oid k_bool_oid = 16;
constexpr Oid k_bytea_oid = 17;

using ResultHandle = std::unique_ptr<PGresult, void (*)(PGresult*)>;

ResultHandle own(PGresult* result) {
  return ResultHandle(result, PQclear);
}

// libpq's messages end in a newline and start with the severity; keep the reason itself.
std::string first_line(const char* message) {
  std::string text = message == nullptr ? "" : message;
  text = text.substr(0, text.find('\n'));
  for (const char* prefix : {"ERROR:  ", "FATAL:  "}) {
    if (text.rfind(prefix, 0) == 0) {
      text.erase(0, std::string_view(prefix).size());
    }
  }
  return text;
}

class PostgresRows final : public SqlRows {
public:
  explicit PostgresRows(PGresult* result) : m_result(own(result)), m_rows(PQntuples(result)) {}
  bool next() override { return ++m_row < m_rows; }
  bool is_null(int column) const override { return PQgetisnull(m_result.get(), m_row, column) != 0; }
  std::int64_t integer(int column) const override {
    const char* value = PQgetvalue(m_result.get(), m_row, column);
    if (PQftype(m_result.get(), column) == k_bool_oid) {
      return value[0] == 't' ? 1 : 0;
    }
    const int length = PQgetlength(m_result.get(), m_row, column);
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(value, value + length, number);
    if (error != std::errc{} || end != value + length) {
      throw PostgresError(
          "column " + std::to_string(column + 1) + " holds '" + std::string(value, length) + "', not an integer",
          false);
    }
    return number;
  }
  std::string text(int column) const override {
    return std::string(PQgetvalue(m_result.get(), m_row, column),
                       static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column)));
  }
  std::string blob(int column) const override {
    if (PQftype(m_result.get(), column) != k_bytea_oid) {
      return text(column);
    }
    std::size_t length = 0;
    unsigned char* bytes =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(m_result.get(), m_row, column)), &length);
    if (bytes == nullptr) {
      throw PostgresError("out of memory decoding a bytea column", false);
    }
    std::string out(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return out;
  }

private:
  ResultHandle m_result;
  int m_rows;
  int m_row = -1;
};

}  // namespace

std::string postgres_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;  // ' or " while inside one
  bool comment = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (comment) {
      comment = c != '\n';
    } else if (quote != 0) {
      if (c == quote) {
        quote = 0;  // a doubled quote closes and reopens: the same result
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      comment = true;
    } else if (c == '?') {
      if (i + 1 >= sql.size() || std::isdigit(static_cast<unsigned char>(sql[i + 1])) == 0) {
        throw std::logic_error("SQL for both backends numbers its parameters (?1, ?2 ...): " + std::string(sql));
      }
      out.push_back('$');
      continue;
    }
    out.push_back(c);
  }
  return out;
}

PostgresConnection::PostgresConnection(std::string uri, std::string password)
    : m_uri(std::move(uri)), m_password(std::move(password)) {
  connect();
}

PostgresConnection::~PostgresConnection() {
  PQfinish(m_connection);
}

void PostgresConnection::connect() {
  PQfinish(m_connection);
  m_connection = nullptr;
  m_prepared.clear();
  m_queued = 0;
  std::vector<const char*> keys = {"dbname", "fallback_application_name"};
  std::vector<const char*> values = {m_uri.c_str(), "nbsync"};
  if (!m_password.empty()) {
    keys.push_back("password");
    values.push_back(m_password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  m_connection = PQconnectdbParams(keys.data(), values.data(), 1);
  if (m_connection == nullptr) {
    throw PostgresError("out of memory connecting to PostgreSQL", true);
  }
  if (PQstatus(m_connection) != CONNECTION_OK) {
    // A failed connection still holds libpq's memory, and a constructor that throws runs no
    // destructor: finish it here.
    const std::string reason = first_line(PQerrorMessage(m_connection));
    PQfinish(m_connection);
    m_connection = nullptr;
    throw PostgresError("cannot connect: " + reason, true);
  }
  // The server's notices ("relation ... already exists, skipping") are not nbsync's to
  // print; libpq would write them to stderr. Errors still arrive as failed results.
  PQsetNoticeProcessor(
      m_connection, [](void*, const char*) {}, nullptr);
}

PGconn* PostgresConnection::live() {
  if (m_connection == nullptr || PQstatus(m_connection) == CONNECTION_BAD) {
    if (m_transaction_open) {
      // Never let a new connection run the rest of a batch outside its transaction.
      m_transaction_open = false;
      throw PostgresError("the connection to the server was lost during a transaction; nothing of it was committed",
                          true);
    }
    connect();
  }
  return m_connection;
}

void PostgresConnection::fail(PGresult* result) {
  const ResultHandle clear = own(result);
  const bool lost = PQstatus(m_connection) == CONNECTION_BAD;
  std::string reason = first_line(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(m_connection));
  if (reason.empty()) {
    reason = first_line(PQerrorMessage(m_connection));
  }
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state != nullptr) {
    reason.append(" (SQLSTATE ").append(state).append(")");
  }
  throw PostgresError(lost ? "the connection to the server was lost: " + reason : reason, lost);
}

namespace {

// Parameters as libpq takes them: text, but blobs binary. Points into `params` (and its own
// numbers): it must not outlive them.
struct BoundParams {
  explicit BoundParams(const SqlParams& params) {
    const std::vector<SqlParams::Value>& bound = params.values();
    numbers.resize(bound.size());
    values.assign(bound.size(), nullptr);
    lengths.assign(bound.size(), 0);
    formats.assign(bound.size(), 0);
    for (std::size_t i = 0; i < bound.size(); ++i) {
      switch (bound[i].kind) {
        case SqlParams::Kind::null:
          break;
        case SqlParams::Kind::integer:
          numbers[i] = std::to_string(bound[i].integer);
          values[i] = numbers[i].c_str();
          break;
        case SqlParams::Kind::text:
          values[i] = bound[i].bytes.c_str();
          break;
        case SqlParams::Kind::blob:
          values[i] = bound[i].bytes.data();
          lengths[i] = static_cast<int>(bound[i].bytes.size());
          formats[i] = 1;
          break;
      }
    }
  }
  int count() const { return static_cast<int>(values.size()); }

  std::vector<std::string> numbers;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
};

// Statements queued before their results are read: enough to save most round trips, few
// enough that their answers never fill the socket while nbsync is still sending.
constexpr int k_max_queued = 64;

}  // namespace

const std::string& PostgresConnection::prepared(std::string_view sql) {
  auto prepared = m_prepared.find(std::string(sql));
  if (prepared == m_prepared.end()) {
    const std::string name = "nbsync_" + std::to_string(m_prepared.size() + 1);
    PGresult* made = PQprepare(live(), name.c_str(), postgres_placeholders(sql).c_str(), 0, nullptr);
    if (PQresultStatus(made) != PGRES_COMMAND_OK) {
      fail(made);
    }
    PQclear(made);
    prepared = m_prepared.emplace(std::string(sql), name).first;
  }
  return prepared->second;
}

PGresult* PostgresConnection::run_prepared(std::string_view sql, const SqlParams& params) {
  send_queued();
  const std::string& name = prepared(sql);
  const BoundParams bound(params);
  PGresult* result = PQexecPrepared(live(), name.c_str(), bound.count(), bound.values.data(), bound.lengths.data(),
                                    bound.formats.data(), 0);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    fail(result);
  }
  return result;
}

void PostgresConnection::execute_queued(std::string_view sql, const SqlParams& params) {
  if (!m_transaction_open) {
    execute(sql, params);  // outside a transaction a statement commits on its own: now
    return;
  }
  if (m_queued > 0 && !m_prepared.contains(std::string(sql))) {
    send_queued();  // a statement is prepared outside the pipeline
  }
  const std::string& name = prepared(sql);
  if (m_queued == 0 && PQenterPipelineMode(live()) != 1) {
    fail(nullptr);
  }
  queue(name, params);
}

void PostgresConnection::queue(const std::string& name, const SqlParams& params) {
  const BoundParams bound(params);
  if (PQsendQueryPrepared(m_connection, name.c_str(), bound.count(), bound.values.data(), bound.lengths.data(),
                          bound.formats.data(), 0) != 1) {
    m_queued = std::max(m_queued, 1);  // send_queued() ends the pipeline and reports it
    send_queued();
    fail(nullptr);
  }
  if (++m_queued >= k_max_queued) {
    send_queued();
  }
}

void PostgresConnection::send_queued() {
  if (m_queued == 0) {
    return;
  }
  m_queued = 0;
  PGresult* failure = nullptr;  // the first statement that failed; those after it were skipped
  bool lost = PQpipelineSync(m_connection) != 1;
  bool ended = false;  // the last result was the end of one statement's results
  while (!lost) {
    PGresult* result = PQgetResult(m_connection);
    if (result == nullptr) {
      // The end of one statement's results; twice in a row only when the server went away.
      lost = ended || PQstatus(m_connection) == CONNECTION_BAD;
      ended = true;
      continue;
    }
    ended = false;
    const ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_SYNC) {
      PQclear(result);
      break;
    }
    if (status == PGRES_FATAL_ERROR && failure == nullptr) {
      failure = result;
    } else {
      PQclear(result);
    }
  }
  PQexitPipelineMode(m_connection);
  if (lost || failure != nullptr) {
    fail(failure);
  }
}

PGresult* PostgresConnection::run_simple(const std::string& sql) {
  send_queued();
  PGresult* result = PQexec(live(), sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    fail(result);
  }
  return result;
}

std::unique_ptr<SqlRows> PostgresConnection::query(std::string_view sql, const SqlParams& params) {
  return std::make_unique<PostgresRows>(run_prepared(sql, params));
}

std::int64_t PostgresConnection::execute(std::string_view sql, const SqlParams& params) {
  const ResultHandle result = own(run_prepared(sql, params));
  const std::string_view changed = PQcmdTuples(result.get());
  std::int64_t count = 0;  // stays 0 for a statement that reports no count
  if (std::from_chars(changed.data(), changed.data() + changed.size(), count).ec != std::errc{}) {
    return 0;
  }
  return count;
}

void PostgresConnection::execute_script(std::string_view sql) {
  PQclear(run_simple(std::string(sql)));
}

void PostgresConnection::begin() {
  PQclear(run_simple("BEGIN"));
  m_transaction_open = true;
}

void PostgresConnection::begin_read() {
  PQclear(run_simple("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  m_transaction_open = true;
}

void PostgresConnection::commit() {
  const bool failed_before = PQtransactionStatus(m_connection) == PQTRANS_INERROR;
  const ResultHandle result = own(run_simple("COMMIT"));
  m_transaction_open = false;
  if (failed_before || std::string_view(PQcmdStatus(result.get())) == "ROLLBACK") {
    throw PostgresError("the transaction was rolled back: a statement in it had failed", false);
  }
}

void PostgresConnection::rollback() noexcept {
  m_transaction_open = false;
  try {
    send_queued();  // their results are read (and any failure dropped) before ROLLBACK
  } catch (const std::exception&) {
  }
  if (m_connection != nullptr && PQtransactionStatus(m_connection) != PQTRANS_IDLE &&
      PQstatus(m_connection) == CONNECTION_OK) {
    PQclear(PQexec(m_connection, "ROLLBACK"));
  }
}

bool PostgresConnection::in_transaction() const {
  return m_transaction_open;
}

}  // namespace nbsync::storage::detail
