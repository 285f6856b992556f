#include "storage/host_key_store.hpp"

#include <chrono>

#include "storage/detail/host_key_writes.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/sql_transaction.hpp"

namespace nbsync::storage {
namespace {

constexpr const char* k_retire_trusted_sql =
    "UPDATE host_keys SET state = 'replaced', replaced_at = ?2 WHERE device_id = ?1 AND state = 'trusted'";

constexpr const char* k_promote_pending_sql =
    "UPDATE host_keys SET state = 'trusted', last_seen = ?2 WHERE device_id = ?1 AND state = 'pending_change'";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

HostKeyStore::HostKeyStore(const std::filesystem::path& database_file)
    : m_database(database_file), m_writes(std::make_unique<detail::HostKeyWrites>(m_database.connection())) {}

HostKeyStore::HostKeyStore(const PostgresLocation& location)
    : m_database(location), m_writes(std::make_unique<detail::HostKeyWrites>(m_database.connection())) {}

HostKeyStore::~HostKeyStore() = default;

std::optional<HostKey> HostKeyStore::key_in_state(std::int64_t device_id, const char* state) {
  return m_writes->key_in_state(device_id, state);
}

HostKeyVerdict HostKeyStore::decide(std::int64_t device_id, const HostKey& presented, bool strict) {
  const std::lock_guard lock(m_mutex);
  try {
    return m_writes->decide(device_id, presented, strict);
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_database.connection(), "reading the host key of device " + std::to_string(device_id),
                              e);
  }
}

HostKeyVerdict HostKeyStore::verify(std::int64_t device_id, const HostKey& presented, bool strict) {
  const std::lock_guard lock(m_mutex);
  try {
    detail::SqlTransaction transaction(m_database.connection());
    const HostKeyVerdict verdict = m_writes->record(device_id, presented, strict, unix_now());
    transaction.commit();
    return verdict;
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_database.connection(), "checking the host key of device " + std::to_string(device_id),
                              e);
  }
}

std::optional<HostKey> HostKeyStore::trusted_key(std::int64_t device_id) {
  const std::lock_guard lock(m_mutex);
  try {
    return key_in_state(device_id, detail::HostKeyWrites::k_trusted);
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_database.connection(), "reading the host key of device " + std::to_string(device_id),
                              e);
  }
}

std::optional<HostKey> HostKeyStore::pending_key(std::int64_t device_id) {
  const std::lock_guard lock(m_mutex);
  try {
    return key_in_state(device_id, detail::HostKeyWrites::k_pending);
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_database.connection(), "reading the host key of device " + std::to_string(device_id),
                              e);
  }
}

bool HostKeyStore::accept(std::int64_t device_id, const std::string& fingerprint) {
  const std::lock_guard lock(m_mutex);
  try {
    detail::SqlConnection& sql = m_database.connection();
    detail::SqlTransaction transaction(sql);
    const auto pending = key_in_state(device_id, detail::HostKeyWrites::k_pending);
    if (!pending || (!fingerprint.empty() && pending->fingerprint != fingerprint)) {
      return false;
    }
    const std::int64_t now = unix_now();
    sql.execute(k_retire_trusted_sql, detail::SqlParams().add(device_id).add(now));
    sql.execute(k_promote_pending_sql, detail::SqlParams().add(device_id).add(now));
    transaction.commit();
    return true;
  } catch (const std::exception& e) {
    throw detail::sql_failure(m_database.connection(),
                              "accepting the new host key of device " + std::to_string(device_id), e);
  }
}

}  // namespace nbsync::storage
