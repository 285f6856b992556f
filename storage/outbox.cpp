#include "storage/outbox.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "storage/detail/outbox_due.hpp"
#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/detail/sql_failure.hpp"
#include "storage/detail/sql_transaction.hpp"

namespace nbsync::storage {
namespace {

// SQL for both backends: no two-argument max() (PostgreSQL's is greatest()), flags are
// 0/1 integers compared with = 1.
constexpr const char* k_due_channels_sql = R"sql(
  SELECT channel FROM outbox WHERE refused_at IS NULL GROUP BY channel
  HAVING min(CASE WHEN ?2 = 1 AND next_attempt_at > not_before THEN next_attempt_at ELSE not_before END) <= ?1
  ORDER BY min(id)
)sql";

constexpr const char* k_due_times_sql = R"sql(
  SELECT channel, min(not_before),
         min(CASE WHEN next_attempt_at > not_before THEN next_attempt_at ELSE not_before END)
    FROM outbox WHERE refused_at IS NULL GROUP BY channel
)sql";

// Slack messages a live sender holds (PostgreSQL) are not merged: they may be on their way.
constexpr const char* k_message_channels_sql = R"sql(
  SELECT channel, count(*) FROM outbox
   WHERE kind = 'message' AND refused_at IS NULL AND (lease_until IS NULL OR lease_until <= ?1)
   GROUP BY channel ORDER BY min(id)
)sql";

constexpr const char* k_oldest_messages_sql = R"sql(
  SELECT id, payload FROM outbox
   WHERE channel = ?1 AND kind = 'message' AND refused_at IS NULL AND (lease_until IS NULL OR lease_until <= ?3)
   ORDER BY id LIMIT ?2
)sql";

// Collectors sharing a PostgreSQL database cap the outbox one at a time (SQLite's write
// lock does the same there).
constexpr std::int64_t k_cap_lock = 0x6e62636170;  // "nbcap"

// This process, as the claimant of the rows its senders read: "host:pid".
std::string this_process() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) {
    host[0] = '\0';
  }
  return std::string(host.data()) + ":" + std::to_string(getpid());
}

OutboxLease with_claimant(OutboxLease lease) {
  if (lease.claimant.empty()) {
    lease.claimant = this_process();
  }
  return lease;
}

// The merged text of the oldest message rows of a channel (`ids` gets their ids).
std::string merged_messages(detail::SqlConnection& sql, const std::string& channel, std::int64_t take, std::int64_t now,
                            std::vector<std::int64_t>& ids) {
  std::string texts;
  const std::unique_ptr<detail::SqlRows> rows =
      sql.query(k_oldest_messages_sql, detail::SqlParams().add(channel).add(take).add(now));
  while (rows->next()) {
    ids.push_back(rows->integer(0));
    const auto payload = nlohmann::json::parse(rows->text(1), nullptr, false);
    if (payload.is_object() && payload.contains("text") && payload["text"].is_string()) {
      texts += payload["text"].get<std::string>().substr(0, 300) + "\n";
    }
  }
  const nlohmann::json merged = {{"text", "nbsync could not reach Slack for a while; " + std::to_string(ids.size()) +
                                              " earlier messages, merged:\n" + texts.substr(0, 3000)}};
  return merged.dump();
}

// Merges the oldest `excess + 1` (at most) Slack messages of `channel` into its oldest
// one; returns how many rows went.
std::int64_t merge_oldest(detail::SqlConnection& sql, const std::string& channel, std::int64_t count,
                          std::int64_t excess, std::int64_t now) {
  std::vector<std::int64_t> ids;
  const std::string payload = merged_messages(sql, channel, std::min(count, excess + 1), now, ids);
  if (ids.size() < 2) {
    return 0;  // another sender delivered them meanwhile
  }
  sql.execute("UPDATE outbox SET payload = ?2, next_attempt_at = ?3 WHERE id = ?1",
              detail::SqlParams().add(ids.front()).add(payload).add(now));
  for (std::size_t i = 1; i < ids.size(); ++i) {
    sql.execute("DELETE FROM outbox WHERE id = ?1", detail::SqlParams().add(ids[i]));
  }
  return static_cast<std::int64_t>(ids.size()) - 1;
}

}  // namespace

Outbox::Outbox(const std::filesystem::path& database_file) : m_database(database_file) {}

Outbox::Outbox(const PostgresLocation& location, OutboxLease lease)
    : m_database(location), m_lease(with_claimant(std::move(lease))) {}

void Outbox::add(const std::vector<OutboxRow>& rows, std::int64_t now) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    detail::SqlTransaction transaction(sql);
    for (const auto& row : rows) {
      detail::insert_outbox_row(sql, row, now);
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "adding to the outbox", e);
  }
}

std::vector<std::string> Outbox::due_channels(std::int64_t now, bool honour_backoff) {
  detail::SqlConnection& sql = m_database.connection();
  std::vector<std::string> out;
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query(k_due_channels_sql, detail::SqlParams().add(now).add(std::int64_t{honour_backoff ? 1 : 0}));
    while (rows->next()) {
      out.push_back(rows->text(0));
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the outbox", e);
  }
  return out;
}

std::vector<OutboxEntry> Outbox::due(const std::string& channel, std::int64_t now, std::size_t limit,
                                     bool honour_backoff) {
  detail::SqlConnection& sql = m_database.connection();
  std::vector<OutboxEntry> out;
  try {
    // Messages of a channel go out in order: stop at the first one not yet due.
    const detail::DueRequest request{channel, now, limit, honour_backoff};
    out = sql.backend() == detail::SqlBackend::sqlite ? detail::read_due(sql, request)
                                                      : detail::claim_due(sql, request, m_lease);
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "claiming due outbox rows", e);
  }
  return out;
}

std::map<std::string, OutboxDueTimes> Outbox::due_times() {
  detail::SqlConnection& sql = m_database.connection();
  std::map<std::string, OutboxDueTimes> out;
  try {
    const std::unique_ptr<detail::SqlRows> rows = sql.query(k_due_times_sql);
    while (rows->next()) {
      out[rows->text(0)] = {rows->integer(1), rows->integer(2)};
    }
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the outbox", e);
  }
  return out;
}

void Outbox::update_rows(const char* statement, const std::vector<std::int64_t>& ids, const detail::SqlParams& values,
                         const char* doing) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    detail::SqlTransaction transaction(sql);
    for (auto id : ids) {
      detail::SqlParams params = values;
      sql.execute(statement, params.add(id));
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, doing, e);
  }
}

void Outbox::mark_sending(const std::vector<std::int64_t>& ids, std::int64_t now, std::int64_t settled_at) {
  update_rows(
      "UPDATE outbox SET sending_since = ?1, not_before = CASE WHEN not_before > ?2 THEN not_before ELSE ?2 END, "
      "lease_until = CASE WHEN claimed_by IS NULL THEN lease_until ELSE ?3 END WHERE id = ?4",
      ids, detail::SqlParams().add(now).add(settled_at).add(now + m_lease.seconds),
      "marking outbox rows as being sent");
}

void Outbox::refuse(const std::vector<std::int64_t>& ids, std::int64_t now, const std::string& error) {
  update_rows(
      "UPDATE outbox SET refused_at = ?1, last_error = ?2, attempts = attempts + 1, sending_since = NULL, "
      "claimed_by = NULL, lease_until = NULL WHERE id = ?3",
      ids, detail::SqlParams().add(now).add(error), "keeping refused outbox rows");
}

std::int64_t Outbox::requeue_refused(const std::string& channel) {
  detail::SqlConnection& sql = m_database.connection();
  try {
    return sql.execute(R"sql(
      UPDATE outbox SET refused_at = NULL, next_attempt_at = 0, not_before = 0
       WHERE refused_at IS NOT NULL AND (?1 = '' OR channel = ?1)
    )sql",
                       detail::SqlParams().add(channel));
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "requeueing refused outbox rows", e);
  }
}

void Outbox::remove(const std::vector<std::int64_t>& ids) {
  update_rows("DELETE FROM outbox WHERE id = ?1", ids, detail::SqlParams(), "removing delivered outbox rows");
}

void Outbox::defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_at, std::int64_t not_before,
                   const std::string& error, bool ambiguous) {
  update_rows(
      R"sql(
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?1, last_error = ?2,
                          ambiguous = CASE WHEN ?3 = 1 THEN 1 ELSE ambiguous END, not_before = ?4,
                          sending_since = NULL, claimed_by = NULL, lease_until = NULL
         WHERE id = ?5
      )sql",
      ids, detail::SqlParams().add(next_attempt_at).add(error).add(std::int64_t{ambiguous ? 1 : 0}).add(not_before),
      "deferring outbox rows");
}

std::int64_t Outbox::depth() {
  detail::SqlConnection& sql = m_database.connection();
  try {
    return detail::query_integer(sql, "SELECT count(*) FROM outbox WHERE refused_at IS NULL");
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the outbox", e);
  }
}

std::optional<std::int64_t> Outbox::oldest_created_at() {
  detail::SqlConnection& sql = m_database.connection();
  try {
    const std::unique_ptr<detail::SqlRows> rows =
        sql.query("SELECT min(created_at) FROM outbox WHERE refused_at IS NULL");
    return rows->next() ? rows->optional_integer(0) : std::nullopt;
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "reading the outbox", e);
  }
}

std::int64_t Outbox::enforce_cap(std::int64_t max_rows, std::int64_t now) {
  detail::SqlConnection& sql = m_database.connection();
  std::int64_t merged = 0;
  try {
    detail::SqlTransaction transaction(sql);
    if (sql.backend() == detail::SqlBackend::postgresql) {
      sql.execute("SELECT pg_advisory_xact_lock(?1)", detail::SqlParams().add(k_cap_lock));
    }
    std::int64_t excess = detail::query_integer(sql, "SELECT count(*) FROM outbox WHERE refused_at IS NULL") - max_rows;
    if (excess > 0) {
      // Merge the oldest Slack messages of each channel into its oldest one.
      std::vector<std::pair<std::string, std::int64_t>> channels;
      {
        const std::unique_ptr<detail::SqlRows> rows = sql.query(k_message_channels_sql, detail::SqlParams().add(now));
        while (rows->next()) {
          channels.emplace_back(rows->text(0), rows->integer(1));
        }
      }
      for (const auto& [channel, count] : channels) {
        if (excess > 0 && count >= 2) {
          const std::int64_t gone = merge_oldest(sql, channel, count, excess, now);
          merged += gone;
          excess -= gone;
        }
      }
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sql_failure(sql, "capping the outbox", e);
  }
  return merged;
}

}  // namespace nbsync::storage
