#pragma once
// The SQL that records a presented host key, on one connection, inside the caller's
// transaction: the trusted key is touched when it matches; with none on record the key
// becomes trusted (trust on first use) or, in strict mode, pending; a different key is
// kept as pending for `nbsync hostkey accept`. Used by HostKeyStore and by the writer,
// on either backend (one SQL text for both).
#include <cstdint>
#include <optional>

#include "storage/detail/sql_connection.hpp"
#include "types/host_key.hpp"

namespace nbsync::storage::detail {

class HostKeyWrites {
public:
  // Keeps `sql` by reference: writes go into its current transaction.
  explicit HostKeyWrites(SqlConnection& sql);

  std::optional<HostKey> key_in_state(std::int64_t device_id, const char* state);
  // What the presented key means given what is committed; writes nothing.
  HostKeyVerdict decide(std::int64_t device_id, const HostKey& presented, bool strict);
  // Records the presented key (see above) and returns the verdict it stands for.
  HostKeyVerdict record(std::int64_t device_id, const HostKey& presented, bool strict, std::int64_t now);

  static constexpr const char* k_trusted = "trusted";
  static constexpr const char* k_pending = "pending_change";

private:
  void delete_pending(std::int64_t device_id);
  SqlConnection& m_sql;
};

}  // namespace nbsync::storage::detail
