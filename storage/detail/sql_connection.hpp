#pragma once
// The statement layer every store ported to PostgreSQL talks to: one interface, two
// implementations (sqlite_connection over SQLiteCpp, postgres_connection over libpq). SQL
// is written once with numbered parameters ?1, ?2 ... (PostgreSQL's $1, $2 are made from
// them) in the subset both engines share; a statement is prepared once per connection and
// reused. Blobs are bound and read as blobs (PostgreSQL bytea). Errors: SQLite's stay
// SQLite::Exception, PostgreSQL's are PostgresError; sql_failure() turns either into one
// DatabaseError for the user. Not thread-safe: one thread uses a connection.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::storage::detail {

enum class SqlBackend { sqlite, postgresql };

// The values bound to ?1, ?2 ... in order.
class SqlParams {
public:
  enum class Kind { null, integer, text, blob };
  struct Value {
    Kind kind = Kind::null;
    std::int64_t integer = 0;
    std::string bytes;  // text or blob
  };

  SqlParams& add(std::int64_t value);
  SqlParams& add(std::string_view text);
  SqlParams& add(const std::optional<std::int64_t>& value);  // NULL when empty
  SqlParams& add_blob(std::string_view bytes);
  SqlParams& add_null();
  SqlParams& add(Value value);  // a value read elsewhere (db copy moves rows this way)
  const std::vector<Value>& values() const { return m_values; }

private:
  std::vector<Value> m_values;
};

// The rows of one query, read forward once. Columns count from 0. Booleans read as 0 or 1.
class SqlRows {
public:
  virtual ~SqlRows() = default;
  virtual bool next() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual std::string text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  std::optional<std::int64_t> optional_integer(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::int64_t>(integer(column));
  }
};

// A failure PostgreSQL reported; `connection_lost` when the server went away (then the next
// statement connects again).
class PostgresError : public std::runtime_error {
public:
  PostgresError(const std::string& reason, bool connection_lost)
      : std::runtime_error(reason), m_connection_lost(connection_lost) {}
  bool connection_lost() const { return m_connection_lost; }

private:
  bool m_connection_lost;
};

class SqlConnection {
public:
  virtual ~SqlConnection() = default;
  virtual SqlBackend backend() const = 0;
  // The database as messages name it: the file, or the URI (it never carries a password).
  virtual const std::string& name() const = 0;

  // A statement returning rows. While the rows live, the same SQL may be queried again
  // (it then gets a statement of its own).
  virtual std::unique_ptr<SqlRows> query(std::string_view sql, const SqlParams& params = {}) = 0;
  // A statement returning no rows; returns how many rows it inserted, changed or deleted.
  virtual std::int64_t execute(std::string_view sql, const SqlParams& params = {}) = 0;
  // A statement returning no rows whose count nobody needs, in a transaction: PostgreSQL
  // sends it without waiting for its answer, with the statements after it (one round trip
  // for many), and reads the answers when any other call comes; a failure among them then
  // throws from that call (the transaction is lost either way: roll it back). Outside a
  // transaction, and on SQLite, it runs at once.
  virtual void execute_queued(std::string_view sql, const SqlParams& params = {}) = 0;
  // Several statements without parameters, as migrations are written.
  virtual void execute_script(std::string_view sql) = 0;

  // SQLite's BEGIN IMMEDIATE takes the write lock at once; PostgreSQL's BEGIN.
  virtual void begin() = 0;
  // A transaction that only reads and sees one state of the database throughout: SQLite's
  // deferred BEGIN (no write lock), PostgreSQL's REPEATABLE READ READ ONLY. Ends with
  // commit() or rollback().
  virtual void begin_read() = 0;
  virtual void commit() = 0;
  // Never throws: it is what failure paths call.
  virtual void rollback() noexcept = 0;
  virtual bool in_transaction() const = 0;
};

// The first column of the first row as an integer, or `otherwise` when there is no row.
std::int64_t query_integer(SqlConnection& connection, std::string_view sql, const SqlParams& params = {},
                           std::int64_t otherwise = 0);

}  // namespace nbsync::storage::detail
