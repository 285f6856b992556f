#include "storage/detail/outbox_insert.hpp"

namespace nbsync::storage::detail {

void insert_outbox_row(SqlConnection& sql, const OutboxRow& row, std::int64_t now) {
  sql.execute(
      k_insert_outbox_sql,
      SqlParams().add(now).add(row.channel).add(row.kind).add(row.device_id).add(row.payload).add(row.dedupe_key));
}

void insert_outbox_row(SQLite::Statement& insert, const OutboxRow& row, std::int64_t now) {
  insert.bind(1, now);
  insert.bind(2, row.channel);
  insert.bind(3, row.kind);
  if (row.device_id) {
    insert.bind(4, *row.device_id);
  } else {
    insert.bind(4);
  }
  insert.bind(5, row.payload);
  insert.bind(6, row.dedupe_key);
  insert.exec();
  insert.reset();
}

}  // namespace nbsync::storage::detail
