#include "storage/device_status.hpp"

#include <SQLiteCpp/Statement.h>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_select_sql = R"sql(
  SELECT d.id, d.name, d.site, d.retired_at IS NOT NULL, d.platform,
         coalesce(s.status, ''), coalesce(s.message, ''), s.failing_since, s.last_success_at, s.last_change_at
    FROM devices d LEFT JOIN device_states s ON s.device_id = d.id
   WHERE d.id = ?1
)sql";

std::optional<std::int64_t> optional_integer(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return column.getInt64();
}

}  // namespace

std::optional<DeviceStatus> read_device_status(Database& database, std::int64_t device_id) {
  try {
    SQLite::Statement query(database.sqlite(), k_select_sql);
    query.bind(1, device_id);
    if (!query.executeStep()) {
      return std::nullopt;
    }
    DeviceStatus status;
    status.device = {query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                     query.getColumn(3).getInt() != 0};
    status.platform = query.getColumn(4).getString();
    status.outcome = query.getColumn(5).getString();
    status.message = query.getColumn(6).getString();
    status.failing_since = optional_integer(query.getColumn(7));
    status.last_success_at = optional_integer(query.getColumn(8));
    status.last_change_at = optional_integer(query.getColumn(9));
    return status;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the state of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
