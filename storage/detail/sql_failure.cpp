#include "storage/detail/sql_failure.hpp"

#include <string>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage::detail {

DatabaseError sql_failure(const SqlConnection& connection, std::string_view doing, const std::exception& error) {
  if (connection.backend() == SqlBackend::sqlite) {
    return sqlite_failure(connection.name(), doing, error);
  }
  if (const auto* database_error = dynamic_cast<const DatabaseError*>(&error)) {
    return *database_error;  // already says which database and what to do
  }
  std::string message = connection.name();
  message.append(": ").append(doing).append(" failed: ").append(error.what());
  const auto* postgres_error = dynamic_cast<const PostgresError*>(&error);
  if (postgres_error != nullptr && postgres_error->connection_lost()) {
    message.append(
        " (check that the PostgreSQL server is running and reachable from here; nbsync connects again "
        "on its next use of the database)");
  }
  return DatabaseError(message);
}

}  // namespace nbsync::storage::detail
