#pragma once
// The sender's side of the outbox: read what is due, delete what was delivered, put off
// what must be retried (remembering when a send may have arrived anyway), drop what the
// peer refused. Rows are written by the StorageWriter with the changes they describe.
// Its own connection; one thread uses an Outbox.
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace nbsync::storage {

struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t created_at = 0;
  std::string channel;
  std::string kind;
  std::optional<std::int64_t> device_id;
  std::string payload;
  std::string dedupe_key;
  int attempts = 0;
  bool ambiguous = false;
};

class Outbox {
public:
  explicit Outbox(const std::filesystem::path& database_file);

  // Channels with rows due at `now`, oldest first. With `honour_backoff` false (a fresh
  // start resumes delivery at once) only the peer's Retry-After is waited for.
  std::vector<std::string> due_channels(std::int64_t now, bool honour_backoff = true);
  // Up to `limit` due rows of one channel, in order (stops at the first row not due).
  std::vector<OutboxEntry> due(const std::string& channel, std::int64_t now, std::size_t limit,
                               bool honour_backoff = true);
  void remove(const std::vector<std::int64_t>& ids);
  // Retry later: our backoff says `next_attempt_at`, the peer's Retry-After `not_before`
  // (0: none); `ambiguous` when the send may have arrived.
  void defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_at, std::int64_t not_before,
             const std::string& error, bool ambiguous);
  std::int64_t depth();
  std::optional<std::int64_t> oldest_created_at();
  // Keeps at most `max_rows`: the oldest Slack messages of a channel are merged into one
  // ("N earlier messages ...") until under the cap; NetBox rows are never merged away.
  // Returns how many rows were merged.
  std::int64_t enforce_cap(std::int64_t max_rows, std::int64_t now);

private:
  Database m_database;
};

}  // namespace nbsync::storage
