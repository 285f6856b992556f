#include "storage/device_status.hpp"

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_select_sql = R"sql(
  SELECT d.id, d.name, d.site, d.retired_at IS NOT NULL, d.platform,
         coalesce(s.status, ''), coalesce(s.message, ''), s.failing_since, s.last_success_at, s.last_change_at
    FROM devices d LEFT JOIN device_states s ON s.device_id = d.id
   WHERE d.id = ?1
)sql";

}  // namespace

std::optional<DeviceStatus> read_device_status(Database& database, std::int64_t device_id) {
  try {
    const std::unique_ptr<detail::SqlRows> row =
        database.connection().query(k_select_sql, detail::SqlParams().add(device_id));
    if (!row->next()) {
      return std::nullopt;
    }
    DeviceStatus status;
    status.device = {row->integer(0), row->text(1), row->text(2), row->integer(3) != 0};
    status.platform = row->text(4);
    status.outcome = row->text(5);
    status.message = row->text(6);
    status.failing_since = row->optional_integer(7);
    status.last_success_at = row->optional_integer(8);
    status.last_change_at = row->optional_integer(9);
    return status;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "reading the state of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
