#include "storage/detail/outbox_due.hpp"

#include <memory>
#include <string>

#include "storage/detail/sql_transaction.hpp"

namespace nbsync::storage::detail {
namespace {

// Columns 10 and 11 (who holds the row, until when) only matter on PostgreSQL.
constexpr const char* k_due_rows_sql = R"sql(
  SELECT id, created_at, channel, kind, device_id, payload, dedupe_key, attempts,
         CASE WHEN ambiguous = 1 OR sending_since IS NOT NULL THEN 1 ELSE 0 END,
         CASE WHEN ?3 = 1 AND next_attempt_at > not_before THEN next_attempt_at ELSE not_before END,
         claimed_by, lease_until
    FROM outbox WHERE channel = ?1 AND refused_at IS NULL ORDER BY id LIMIT ?2
)sql";

// The same rows, locked for this transaction; rows another transaction holds are skipped.
const std::string k_lock_due_rows_sql = std::string(k_due_rows_sql) + "FOR UPDATE SKIP LOCKED";

// The channel's first rows as committed, locked or not: what the locked rows must begin with.
constexpr const char* k_first_ids_sql = R"sql(
  SELECT id FROM outbox WHERE channel = ?1 AND refused_at IS NULL ORDER BY id LIMIT ?2
)sql";

constexpr const char* k_claim_sql = "UPDATE outbox SET claimed_by = ?1, lease_until = ?2 WHERE id = ?3";

SqlParams due_params(const DueRequest& request) {
  return SqlParams()
      .add(request.channel)
      .add(static_cast<std::int64_t>(request.limit))
      .add(std::int64_t{request.honour_backoff ? 1 : 0});
}

OutboxEntry entry_of(const SqlRows& row) {
  OutboxEntry entry;
  entry.id = row.integer(0);
  entry.created_at = row.integer(1);
  entry.channel = row.text(2);
  entry.kind = row.text(3);
  entry.device_id = row.optional_integer(4);
  entry.payload = row.text(5);
  entry.dedupe_key = row.text(6);
  entry.attempts = static_cast<int>(row.integer(7));
  entry.ambiguous = row.integer(8) != 0;
  return entry;
}

// Another sender holds the row and has not let its lease run out.
bool held_by_another(const SqlRows& row, const DueRequest& request, const OutboxLease& lease) {
  return !row.is_null(10) && row.text(10) != lease.claimant && !row.is_null(11) && row.integer(11) > request.now;
}

std::vector<std::int64_t> first_ids(SqlConnection& sql, const DueRequest& request) {
  std::vector<std::int64_t> ids;
  const std::unique_ptr<SqlRows> rows =
      sql.query(k_first_ids_sql, SqlParams().add(request.channel).add(static_cast<std::int64_t>(request.limit)));
  while (rows->next()) {
    ids.push_back(rows->integer(0));
  }
  return ids;
}

}  // namespace

std::vector<OutboxEntry> read_due(SqlConnection& sql, const DueRequest& request) {
  std::vector<OutboxEntry> out;
  const std::unique_ptr<SqlRows> rows = sql.query(k_due_rows_sql, due_params(request));
  while (rows->next() && rows->integer(9) <= request.now) {
    out.push_back(entry_of(*rows));
  }
  return out;
}

std::vector<OutboxEntry> claim_due(SqlConnection& sql, const DueRequest& request, const OutboxLease& lease) {
  SqlTransaction transaction(sql);
  std::vector<OutboxEntry> out;
  {
    const std::unique_ptr<SqlRows> rows = sql.query(k_lock_due_rows_sql, due_params(request));
    while (rows->next() && rows->integer(9) <= request.now && !held_by_another(*rows, request, lease)) {
      out.push_back(entry_of(*rows));
    }
  }
  // A row skipped because another sender is claiming it leaves a gap: keep only what comes
  // before it, so a channel's rows still go out in order.
  const std::vector<std::int64_t> expected = first_ids(sql, request);
  std::size_t kept = 0;
  while (kept < out.size() && kept < expected.size() && out[kept].id == expected[kept]) {
    ++kept;
  }
  out.resize(kept);
  for (const OutboxEntry& entry : out) {
    sql.execute_queued(k_claim_sql, SqlParams().add(lease.claimant).add(request.now + lease.seconds).add(entry.id));
  }
  transaction.commit();
  return out;
}

}  // namespace nbsync::storage::detail
