#include "storage/device_lookup.hpp"

#include <charconv>

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_find_sql = R"sql(
  SELECT id, name, site, retired_at IS NOT NULL FROM devices
   WHERE name = ?1 OR id = ?2
   ORDER BY retired_at IS NOT NULL, id
)sql";

}  // namespace

std::vector<DeviceMatch> find_devices(Database& database, std::string_view name_or_id) {
  std::int64_t id = -1;
  const auto [end, error] = std::from_chars(name_or_id.data(), name_or_id.data() + name_or_id.size(), id);
  if (error != std::errc{} || end != name_or_id.data() + name_or_id.size()) {
    id = -1;
  }
  std::vector<DeviceMatch> matches;
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        database.connection().query(k_find_sql, detail::SqlParams().add(name_or_id).add(id));
    while (rows->next()) {
      matches.push_back({rows->integer(0), rows->text(1), rows->text(2), rows->integer(3) != 0});
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "looking up device '" + std::string(name_or_id) + "'", e);
  }
  return matches;
}

}  // namespace nbsync::storage
