#pragma once
// The SSH host keys nbsync trusts, per device: trust on first use, a changed key kept as
// pending (refused) until an operator accepts it, replaced keys kept for the record.
// Thread-safe: the store has its own connection to the database (an SQLite file or
// PostgreSQL) and a mutex, so workers may call it while the StorageWriter writes; each call
// is one short transaction.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/database.hpp"
#include "types/host_key.hpp"

namespace nbsync::storage {

namespace detail {
class HostKeyWrites;
}

class HostKeyStore {
public:
  // Opens its own connection (the database must already be migrated or be migratable now:
  // open the daemon's Database first). Throws DatabaseError naming the file or URI.
  explicit HostKeyStore(const std::filesystem::path& database_file);
  explicit HostKeyStore(const PostgresLocation& location);

  ~HostKeyStore();

  // Checks `presented` for `device_id` and records what it learned. In strict mode an
  // unknown device's key is not trusted on first use but kept as pending.
  HostKeyVerdict verify(std::int64_t device_id, const HostKey& presented, bool strict = false);
  // The same verdict from what is committed, writing nothing (never waits for the writer's
  // lock): during a cycle the record goes through StorageWriter::submit_host_key.
  HostKeyVerdict decide(std::int64_t device_id, const HostKey& presented, bool strict = false);
  std::optional<HostKey> trusted_key(std::int64_t device_id);
  std::optional<HostKey> pending_key(std::int64_t device_id);
  // Makes the pending key the trusted one (`nbsync hostkey accept`); the old one becomes
  // 'replaced'. Returns false when nothing is pending for the device, or when
  // `fingerprint` is given and the pending key is another one (nothing changes then).
  bool accept(std::int64_t device_id, const std::string& fingerprint = {});

private:
  std::optional<HostKey> key_in_state(std::int64_t device_id, const char* state);

  std::mutex m_mutex;
  Database m_database;
  std::unique_ptr<detail::HostKeyWrites> m_writes;
};

}  // namespace nbsync::storage
