#include "storage/outbox.hpp"

#include <SQLiteCpp/Transaction.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/sqlite_failure.hpp"

namespace nbsync::storage {

Outbox::Outbox(const std::filesystem::path& database_file) : m_database(database_file) {}

void Outbox::add(const std::vector<OutboxRow>& rows, std::int64_t now) {
  try {
    SQLite::Transaction transaction(m_database.sqlite());
    SQLite::Statement insert(m_database.sqlite(), detail::k_insert_outbox_sql);
    for (const auto& row : rows) {
      detail::insert_outbox_row(insert, row, now);
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "adding to the outbox", e);
  }
}

std::vector<std::string> Outbox::due_channels(std::int64_t now, bool honour_backoff) {
  std::vector<std::string> out;
  try {
    SQLite::Statement query(m_database.sqlite(), R"sql(
      SELECT channel FROM outbox WHERE refused_at IS NULL GROUP BY channel
      HAVING min(CASE WHEN ?2 THEN max(next_attempt_at, not_before) ELSE not_before END) <= ?1 ORDER BY min(id)
    )sql");
    query.bind(1, now);
    query.bind(2, honour_backoff ? 1 : 0);
    while (query.executeStep()) {
      out.push_back(query.getColumn(0).getString());
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the outbox", e);
  }
  return out;
}

std::vector<OutboxEntry> Outbox::due(const std::string& channel, std::int64_t now, std::size_t limit,
                                     bool honour_backoff) {
  std::vector<OutboxEntry> out;
  try {
    // Messages of a channel go out in order: stop at the first one not yet due.
    SQLite::Statement query(m_database.sqlite(), R"sql(
      SELECT id, created_at, channel, kind, device_id, payload, dedupe_key, attempts,
             ambiguous OR sending_since IS NOT NULL,
             CASE WHEN ?3 THEN max(next_attempt_at, not_before) ELSE not_before END
        FROM outbox WHERE channel = ?1 AND refused_at IS NULL ORDER BY id LIMIT ?2
    )sql");
    query.bind(1, channel);
    query.bind(2, static_cast<std::int64_t>(limit));
    query.bind(3, honour_backoff ? 1 : 0);
    while (query.executeStep()) {
      if (query.getColumn(9).getInt64() > now) {
        break;
      }
      OutboxEntry entry;
      entry.id = query.getColumn(0).getInt64();
      entry.created_at = query.getColumn(1).getInt64();
      entry.channel = query.getColumn(2).getString();
      entry.kind = query.getColumn(3).getString();
      if (!query.getColumn(4).isNull()) {
        entry.device_id = query.getColumn(4).getInt64();
      }
      entry.payload = query.getColumn(5).getString();
      entry.dedupe_key = query.getColumn(6).getString();
      entry.attempts = query.getColumn(7).getInt();
      entry.ambiguous = query.getColumn(8).getInt() != 0;
      out.push_back(std::move(entry));
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the outbox", e);
  }
  return out;
}

std::map<std::string, OutboxDueTimes> Outbox::due_times() {
  std::map<std::string, OutboxDueTimes> out;
  try {
    SQLite::Statement query(m_database.sqlite(), R"sql(
      SELECT channel, min(not_before), min(max(next_attempt_at, not_before))
        FROM outbox WHERE refused_at IS NULL GROUP BY channel
    )sql");
    while (query.executeStep()) {
      out[query.getColumn(0).getString()] = {query.getColumn(1).getInt64(), query.getColumn(2).getInt64()};
    }
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "reading the outbox", e);
  }
  return out;
}

void Outbox::update_rows(const char* sql, const std::vector<std::int64_t>& ids,
                         const std::function<void(SQLite::Statement&)>& bind, const char* doing) {
  try {
    SQLite::Transaction transaction(m_database.sqlite(), SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement update(m_database.sqlite(), sql);
    bind(update);  // ?2... stay bound across reset()
    for (auto id : ids) {
      update.bind(1, id);
      update.exec();
      update.reset();
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), doing, e);
  }
}

void Outbox::mark_sending(const std::vector<std::int64_t>& ids, std::int64_t now, std::int64_t settled_at) {
  update_rows(
      "UPDATE outbox SET sending_since = ?2, not_before = max(not_before, ?3) WHERE id = ?1", ids,
      [&](SQLite::Statement& update) {
        update.bind(2, now);
        update.bind(3, settled_at);
      },
      "marking outbox rows as being sent");
}

void Outbox::refuse(const std::vector<std::int64_t>& ids, std::int64_t now, const std::string& error) {
  update_rows(
      "UPDATE outbox SET refused_at = ?2, last_error = ?3, attempts = attempts + 1, sending_since = NULL WHERE id = ?1",
      ids,
      [&](SQLite::Statement& update) {
        update.bind(2, now);
        update.bind(3, error);
      },
      "keeping refused outbox rows");
}

std::int64_t Outbox::requeue_refused(const std::string& channel) {
  try {
    SQLite::Statement update(m_database.sqlite(), R"sql(
      UPDATE outbox SET refused_at = NULL, next_attempt_at = 0, not_before = 0
       WHERE refused_at IS NOT NULL AND (?1 = '' OR channel = ?1)
    )sql");
    update.bind(1, channel);
    return update.exec();
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "requeueing refused outbox rows", e);
  }
}

void Outbox::remove(const std::vector<std::int64_t>& ids) {
  update_rows(
      "DELETE FROM outbox WHERE id = ?1", ids, [](SQLite::Statement&) {}, "removing delivered outbox rows");
}

void Outbox::defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_at, std::int64_t not_before,
                   const std::string& error, bool ambiguous) {
  update_rows(
      R"sql(
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3,
                          ambiguous = max(ambiguous, ?4), not_before = ?5, sending_since = NULL
         WHERE id = ?1
      )sql",
      ids,
      [&](SQLite::Statement& update) {
        update.bind(2, next_attempt_at);
        update.bind(3, error);
        update.bind(4, ambiguous ? 1 : 0);
        update.bind(5, not_before);
      },
      "deferring outbox rows");
}

std::int64_t Outbox::depth() {
  return m_database.sqlite().execAndGet("SELECT count(*) FROM outbox WHERE refused_at IS NULL").getInt64();
}

std::optional<std::int64_t> Outbox::oldest_created_at() {
  const auto value = m_database.sqlite().execAndGet("SELECT min(created_at) FROM outbox WHERE refused_at IS NULL");
  if (value.isNull()) {
    return std::nullopt;
  }
  return value.getInt64();
}

std::int64_t Outbox::enforce_cap(std::int64_t max_rows, std::int64_t now) {
  std::int64_t merged = 0;
  try {
    SQLite::Transaction transaction(m_database.sqlite(), SQLite::TransactionBehavior::IMMEDIATE);
    std::int64_t excess =
        m_database.sqlite().execAndGet("SELECT count(*) FROM outbox WHERE refused_at IS NULL").getInt64() - max_rows;
    if (excess > 0) {
      // Merge the oldest Slack messages of each channel into its oldest one.
      SQLite::Statement channels(
          m_database.sqlite(),
          "SELECT channel, count(*) FROM outbox WHERE kind = 'message' AND refused_at IS NULL GROUP BY channel "
          "ORDER BY min(id)");
      std::vector<std::pair<std::string, std::int64_t>> list;
      while (channels.executeStep()) {
        list.emplace_back(channels.getColumn(0).getString(), channels.getColumn(1).getInt64());
      }
      for (const auto& [channel, count] : list) {
        if (excess <= 0 || count < 2) {
          continue;
        }
        const std::int64_t take = std::min(count, excess + 1);
        SQLite::Statement rows(
            m_database.sqlite(),
            "SELECT id, payload FROM outbox WHERE channel = ?1 AND kind = 'message' AND refused_at IS NULL "
            "ORDER BY id LIMIT ?2");
        rows.bind(1, channel);
        rows.bind(2, take);
        std::vector<std::int64_t> ids;
        std::string texts;
        while (rows.executeStep()) {
          ids.push_back(rows.getColumn(0).getInt64());
          const auto payload = nlohmann::json::parse(rows.getColumn(1).getString(), nullptr, false);
          if (payload.is_object() && payload.contains("text") && payload["text"].is_string()) {
            texts += payload["text"].get<std::string>().substr(0, 300) + "\n";
          }
        }
        const nlohmann::json merged_payload = {{"text", "nbsync could not reach Slack for a while; " +
                                                            std::to_string(ids.size()) +
                                                            " earlier messages, merged:\n" + texts.substr(0, 3000)}};
        SQLite::Statement keep(m_database.sqlite(),
                               "UPDATE outbox SET payload = ?2, next_attempt_at = ?3 WHERE id = ?1");
        keep.bind(1, ids.front());
        keep.bind(2, merged_payload.dump());
        keep.bind(3, now);
        keep.exec();
        SQLite::Statement drop(m_database.sqlite(), "DELETE FROM outbox WHERE id = ?1");
        for (std::size_t i = 1; i < ids.size(); ++i) {
          drop.bind(1, ids[i]);
          drop.exec();
          drop.reset();
        }
        merged += static_cast<std::int64_t>(ids.size()) - 1;
        excess -= static_cast<std::int64_t>(ids.size()) - 1;
      }
    }
    transaction.commit();
  } catch (const std::exception& e) {
    throw detail::sqlite_failure(m_database.path(), "capping the outbox", e);
  }
  return merged;
}

}  // namespace nbsync::storage
