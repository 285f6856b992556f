#include "storage/detail/host_key_writes.hpp"

#include "storage/detail/statement_use.hpp"

namespace nbsync::storage::detail {
namespace {

constexpr const char* k_select_key_sql =
    "SELECT key_type, fingerprint, public_key FROM host_keys WHERE device_id = ?1 AND state = ?2";

constexpr const char* k_insert_key_sql = R"sql(
  INSERT INTO host_keys (device_id, key_type, fingerprint, public_key, first_seen, last_seen, state)
  VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
)sql";

constexpr const char* k_touch_trusted_sql =
    "UPDATE host_keys SET last_seen = ?2 WHERE device_id = ?1 AND state = 'trusted'";

// A newer pending key replaces an older pending one: the operator accepts what the device
// presents now.
constexpr const char* k_delete_pending_sql = "DELETE FROM host_keys WHERE device_id = ?1 AND state = 'pending_change'";

bool same_key(const HostKey& a, const HostKey& b) {
  return a.type == b.type && a.public_key == b.public_key;
}

}  // namespace

HostKeyWrites::HostKeyWrites(SQLite::Database& db)
    : m_select_key(db, k_select_key_sql),
      m_insert_key(db, k_insert_key_sql),
      m_touch_trusted(db, k_touch_trusted_sql),
      m_delete_pending(db, k_delete_pending_sql) {}

std::optional<HostKey> HostKeyWrites::key_in_state(std::int64_t device_id, const char* state) {
  StatementUse select(m_select_key);
  select->bind(1, device_id);
  select->bind(2, state);
  if (!select->executeStep()) {
    return std::nullopt;
  }
  return HostKey{select->getColumn(0).getString(), select->getColumn(1).getString(), select->getColumn(2).getString()};
}

HostKeyVerdict HostKeyWrites::decide(std::int64_t device_id, const HostKey& presented, bool strict) {
  const std::optional<HostKey> trusted = key_in_state(device_id, k_trusted);
  if (trusted && same_key(*trusted, presented)) {
    return HostKeyVerdict::trusted;
  }
  if (trusted) {
    return HostKeyVerdict::mismatch;
  }
  return strict ? HostKeyVerdict::unknown : HostKeyVerdict::trusted_first_use;
}

HostKeyVerdict HostKeyWrites::record(std::int64_t device_id, const HostKey& presented, bool strict, std::int64_t now) {
  const HostKeyVerdict verdict = decide(device_id, presented, strict);
  if (verdict == HostKeyVerdict::trusted) {
    StatementUse touch(m_touch_trusted);
    touch->bind(1, device_id);
    touch->bind(2, now);
    touch->exec();
    // The trusted key is back: the change it was waiting on is over, and a stale pending
    // key (perhaps an impostor's) must not be there for `hostkey accept` to trust.
    StatementUse remove(m_delete_pending);
    remove->bind(1, device_id);
    remove->exec();
    return verdict;
  }
  const std::optional<HostKey> pending = key_in_state(device_id, k_pending);
  if (verdict == HostKeyVerdict::trusted_first_use || !pending || !same_key(*pending, presented)) {
    StatementUse remove(m_delete_pending);
    remove->bind(1, device_id);
    remove->exec();
    StatementUse insert(m_insert_key);
    insert->bind(1, device_id);
    insert->bind(2, presented.type);
    insert->bind(3, presented.fingerprint);
    insert->bind(4, presented.public_key);
    insert->bind(5, now);
    insert->bind(6, verdict == HostKeyVerdict::trusted_first_use ? k_trusted : k_pending);
    insert->exec();
  }
  return verdict;
}

}  // namespace nbsync::storage::detail
