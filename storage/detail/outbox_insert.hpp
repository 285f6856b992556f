#pragma once
// The one INSERT of an outbox row, for every store that adds rows inside its own transaction
// (the outbox itself, a backup's result, a drift verdict).
#include <cstdint>

#include "storage/detail/sql_connection.hpp"
#include "storage/notification_hooks.hpp"

namespace nbsync::storage::detail {

inline constexpr const char* k_insert_outbox_sql = R"sql(
  INSERT INTO outbox (created_at, channel, kind, device_id, payload, dedupe_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
)sql";

// Inserts `row`, created at `now`, on either backend.
void insert_outbox_row(SqlConnection& sql, const OutboxRow& row, std::int64_t now);

}  // namespace nbsync::storage::detail
