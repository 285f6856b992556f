#include "storage/host_key_state.hpp"

#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_select_sql = R"sql(
  SELECT state, key_type, fingerprint, public_key, first_seen, last_seen FROM host_keys
   WHERE device_id = ?1 AND state IN ('trusted', 'pending_change')
)sql";

}  // namespace

HostKeyState read_host_key_state(Database& database, std::int64_t device_id) {
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        database.connection().query(k_select_sql, detail::SqlParams().add(device_id));
    HostKeyState state;
    while (rows->next()) {
      HostKeySighting sighting{{rows->text(1), rows->text(2), rows->text(3)}, rows->integer(4), rows->integer(5)};
      (rows->text(0) == "trusted" ? state.trusted : state.pending) = std::move(sighting);
    }
    return state;
  } catch (const std::exception& e) {
    throw detail::sql_failure(database.connection(), "reading the host keys of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
