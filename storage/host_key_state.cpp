#include "storage/host_key_state.hpp"

#include <SQLiteCpp/Statement.h>

#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_select_sql = R"sql(
  SELECT state, key_type, fingerprint, public_key, first_seen, last_seen FROM host_keys
   WHERE device_id = ?1 AND state IN ('trusted', 'pending_change')
)sql";

}  // namespace

HostKeyState read_host_key_state(Database& database, std::int64_t device_id) {
  try {
    SQLite::Statement select(database.sqlite(), k_select_sql);
    select.bind(1, device_id);
    HostKeyState state;
    while (select.executeStep()) {
      HostKeySighting sighting{
          {select.getColumn(1).getString(), select.getColumn(2).getString(), select.getColumn(3).getString()},
          select.getColumn(4).getInt64(),
          select.getColumn(5).getInt64()};
      (select.getColumn(0).getString() == "trusted" ? state.trusted : state.pending) = std::move(sighting);
    }
    return state;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(database.path(), "reading the host keys of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
