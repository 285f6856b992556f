#include "storage/device_lookup.hpp"

#include <SQLiteCpp/Statement.h>

#include <charconv>

#include "storage/detail/sqlite_failure.hpp"

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
    SQLite::Statement query(database.sqlite(), k_find_sql);
    query.bind(1, std::string(name_or_id));
    query.bind(2, id);
    while (query.executeStep()) {
      matches.push_back({query.getColumn(0).getInt64(), query.getColumn(1).getString(), query.getColumn(2).getString(),
                         query.getColumn(3).getInt() != 0});
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "looking up device '" + std::string(name_or_id) + "'", e);
  }
  return matches;
}

}  // namespace nbsync::storage
