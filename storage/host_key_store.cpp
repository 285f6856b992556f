#include "storage/host_key_store.hpp"

#include <SQLiteCpp/Transaction.h>

#include <chrono>

#include "storage/detail/host_key_writes.hpp"
#include "storage/detail/sqlite_failure.hpp"
#include "storage/detail/statement_use.hpp"

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
    : m_database(database_file),
      m_writes(std::make_unique<detail::HostKeyWrites>(m_database.connection())),
      m_retire_trusted(m_database.sqlite(), k_retire_trusted_sql),
      m_promote_pending(m_database.sqlite(), k_promote_pending_sql) {}

HostKeyStore::~HostKeyStore() = default;

std::optional<HostKey> HostKeyStore::key_in_state(std::int64_t device_id, const char* state) {
  return m_writes->key_in_state(device_id, state);
}

HostKeyVerdict HostKeyStore::decide(std::int64_t device_id, const HostKey& presented, bool strict) {
  const std::lock_guard lock(m_mutex);
  try {
    return m_writes->decide(device_id, presented, strict);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the host key of device " + std::to_string(device_id), e);
  }
}

HostKeyVerdict HostKeyStore::verify(std::int64_t device_id, const HostKey& presented, bool strict) {
  const std::lock_guard lock(m_mutex);
  try {
    SQLite::Transaction transaction(m_database.sqlite(), SQLite::TransactionBehavior::IMMEDIATE);
    const HostKeyVerdict verdict = m_writes->record(device_id, presented, strict, unix_now());
    transaction.commit();
    return verdict;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "checking the host key of device " + std::to_string(device_id), e);
  }
}

std::optional<HostKey> HostKeyStore::trusted_key(std::int64_t device_id) {
  const std::lock_guard lock(m_mutex);
  try {
    return key_in_state(device_id, detail::HostKeyWrites::k_trusted);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the host key of device " + std::to_string(device_id), e);
  }
}

std::optional<HostKey> HostKeyStore::pending_key(std::int64_t device_id) {
  const std::lock_guard lock(m_mutex);
  try {
    return key_in_state(device_id, detail::HostKeyWrites::k_pending);
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the host key of device " + std::to_string(device_id), e);
  }
}

bool HostKeyStore::accept(std::int64_t device_id, const std::string& fingerprint) {
  const std::lock_guard lock(m_mutex);
  try {
    SQLite::Transaction transaction(m_database.sqlite(), SQLite::TransactionBehavior::IMMEDIATE);
    const auto pending = key_in_state(device_id, detail::HostKeyWrites::k_pending);
    if (!pending || (!fingerprint.empty() && pending->fingerprint != fingerprint)) {
      return false;
    }
    const std::int64_t now = unix_now();
    {
      detail::StatementUse retire(m_retire_trusted);
      retire->bind(1, device_id);
      retire->bind(2, now);
      retire->exec();
    }
    {
      detail::StatementUse promote(m_promote_pending);
      promote->bind(1, device_id);
      promote->bind(2, now);
      promote->exec();
    }
    transaction.commit();
    return true;
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "accepting the new host key of device " + std::to_string(device_id),
                                 e);
  }
}

}  // namespace nbsync::storage
