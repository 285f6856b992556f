#pragma once
// A device's host keys as a person reviews them (the viewer's device page): the trusted
// key and, when the device presented another one, the pending key that waits for
// `nbsync hostkey accept`, each with when nbsync first and last saw it. Read-only.
#include <cstdint>
#include <optional>

#include "storage/database.hpp"
#include "types/host_key.hpp"

namespace nbsync::storage {

struct HostKeySighting {
  HostKey key;
  std::int64_t first_seen = 0;  // unix seconds
  std::int64_t last_seen = 0;
};

struct HostKeyState {
  std::optional<HostKeySighting> trusted;
  std::optional<HostKeySighting> pending;  // a changed key, refused until accepted
};

// Throws DatabaseError naming the database (file or URI).
HostKeyState read_host_key_state(Database& database, std::int64_t device_id);

}  // namespace nbsync::storage
