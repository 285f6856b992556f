#pragma once
// sqlite_failure() for stores on the statement layer: one DatabaseError that names the
// database (file or URI), what nbsync was doing, the engine's reason and what to do.
#include <exception>
#include <string_view>

#include "storage/database.hpp"
#include "storage/detail/sql_connection.hpp"

namespace nbsync::storage::detail {

DatabaseError sql_failure(const SqlConnection& connection, std::string_view doing, const std::exception& error);

}  // namespace nbsync::storage::detail
