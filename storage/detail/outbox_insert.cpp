#include "storage/detail/outbox_insert.hpp"

namespace nbsync::storage::detail {

void insert_outbox_row(SqlConnection& sql, const OutboxRow& row, std::int64_t now) {
  sql.execute_queued(
      k_insert_outbox_sql,
      SqlParams().add(now).add(row.channel).add(row.kind).add(row.device_id).add(row.payload).add(row.dedupe_key));
}

}  // namespace nbsync::storage::detail
