#pragma once
// How storage reads and writes a DeviceRecord's columns: the select list
// "id, name, site, role, platform, tenant, status, address, tags", and tags kept as one
// comma-separated text (NetBox slugs never hold commas).
#include <SQLiteCpp/Statement.h>

#include <string>
#include <vector>

#include "storage/detail/sql_connection.hpp"
#include "storage/device_record.hpp"

namespace nbsync::storage::detail {

// The device columns of a row, starting at column `first`.
DeviceRecord device_from_columns(SQLite::Statement& row, int first = 0);
DeviceRecord device_from_columns(const SqlRows& row, int first = 0);

std::string join_tags(const std::vector<std::string>& tags);
std::vector<std::string> split_tags(const std::string& joined);

}  // namespace nbsync::storage::detail
