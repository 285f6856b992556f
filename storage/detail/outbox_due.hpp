#pragma once
// The first due rows of an outbox channel: read as they are on SQLite (one process sends),
// claimed for one sender on PostgreSQL (several collectors may send; storage/outbox.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "storage/detail/sql_connection.hpp"
#include "storage/outbox.hpp"

namespace nbsync::storage::detail {

// What a due() asks for: up to `limit` rows of `channel` due at `now`, our backoff
// counting when `honour_backoff`.
struct DueRequest {
  std::string channel;
  std::int64_t now = 0;
  std::size_t limit = 0;
  bool honour_backoff = true;
};

// In order, stopping at the first row not due. Claims nothing.
std::vector<OutboxEntry> read_due(SqlConnection& sql, const DueRequest& request);

// In order, stopping at the first row not due or held by another sender whose lease has
// not run out, and at a row another sender is claiming right now (it is skipped, never
// waited for: FOR UPDATE SKIP LOCKED). The rows returned are claimed for `lease.claimant`
// until now + lease.seconds, in one transaction of its own.
std::vector<OutboxEntry> claim_due(SqlConnection& sql, const DueRequest& request, const OutboxLease& lease);

}  // namespace nbsync::storage::detail
