#pragma once
// Turns a failure while using the database into one DatabaseError a user can act on: it
// names the database file, what nbsync was doing, SQLite's reason, and what to do next
// (free disk space, fix permissions, check integrity), and keeps SQLite's result code.
#include <exception>
#include <filesystem>
#include <string_view>

#include "storage/database.hpp"

namespace nbsync::storage::detail {

// `doing` reads like "storing the config of device 12"; `error` is what was caught.
DatabaseError sqlite_failure(const std::filesystem::path& database, std::string_view doing,
                             const std::exception& error);

// What to do about SQLite's primary result code `code`, for the file `database`.
std::string advice_for(int code, const std::filesystem::path& database);

}  // namespace nbsync::storage::detail
