#pragma once
// The sender's side of the outbox: read what is due, delete what was delivered, put off
// what must be retried (remembering when a send may have arrived anyway), keep what the
// peer refused for good (never sent again on its own; counted for status and metrics).
// Rows are written by the StorageWriter with the changes they describe. Its own
// connection (an SQLite file or PostgreSQL); one thread uses an Outbox.
// On PostgreSQL, where several collectors may send, due() claims the rows it returns for
// this sender until its lease runs out (a sender that dies loses them then); a channel
// whose first rows another live sender holds has nothing due, so each row goes out once
// and each channel in order. remove(), defer() and refuse() end the claim. On SQLite one
// process sends: due() claims nothing.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/notification_hooks.hpp"

namespace nbsync::storage {
namespace detail {
class SqlParams;
}

struct OutboxEntry {
  std::int64_t id = 0;
  std::int64_t created_at = 0;
  std::string channel;
  std::string kind;
  std::optional<std::int64_t> device_id;
  std::string payload;
  std::string dedupe_key;
  int attempts = 0;
  bool ambiguous = false;  // an earlier send may have arrived (it timed out, or nbsync died during it)
};

// When a channel's next row is due: at once on a fresh start (only the peer's Retry-After
// and a send's settling time count), or honouring our backoff too.
struct OutboxDueTimes {
  std::int64_t fresh = 0;
  std::int64_t with_backoff = 0;
};

// Who claims the rows an Outbox reads, and for how long. A claim must outlast sending the
// batch (each request is bounded by the sender's timeout); due() and mark_sending() renew it.
struct OutboxLease {
  std::string claimant;  // empty: this process ("host:pid"), the same for each of its Outboxes
  std::int64_t seconds = 300;
};

class Outbox {
public:
  // Opens its own connection. Throws DatabaseError naming the file or URI.
  explicit Outbox(const std::filesystem::path& database_file);
  explicit Outbox(const PostgresLocation& location, OutboxLease lease = {});

  // Rows that belong to no attempt (a "back up now" request whose device the run never
  // reached), in one transaction, due at once.
  void add(const std::vector<OutboxRow>& rows, std::int64_t now);
  // Channels with rows due at `now`, oldest first. With `honour_backoff` false (a fresh
  // start resumes delivery at once) only the peer's Retry-After is waited for.
  std::vector<std::string> due_channels(std::int64_t now, bool honour_backoff = true);
  // Up to `limit` due rows of one channel, in order (stops at the first row not due, and on
  // PostgreSQL at the first row another sender holds), claimed for this sender.
  std::vector<OutboxEntry> due(const std::string& channel, std::int64_t now, std::size_t limit,
                               bool honour_backoff = true);
  // Per channel with rows waiting, when its first row is due.
  std::map<std::string, OutboxDueTimes> due_times();
  // Just before sending `ids`: if nbsync dies before the answer, the rows read back as
  // ambiguous and are not due before `settled_at` (when a late write has landed).
  void mark_sending(const std::vector<std::int64_t>& ids, std::int64_t now, std::int64_t settled_at);
  void remove(const std::vector<std::int64_t>& ids);
  // Retry later: our backoff says `next_attempt_at`, the peer's Retry-After `not_before`
  // (0: none); `ambiguous` when the send may have arrived.
  void defer(const std::vector<std::int64_t>& ids, std::int64_t next_attempt_at, std::int64_t not_before,
             const std::string& error, bool ambiguous);
  // The peer refused these for good: kept with the reason, never due again.
  void refuse(const std::vector<std::int64_t>& ids, std::int64_t now, const std::string& error);
  // Refused rows of every channel (or one) become due again; returns how many.
  std::int64_t requeue_refused(const std::string& channel = {});
  std::int64_t depth();  // rows waiting to be sent (refused ones not counted)
  std::optional<std::int64_t> oldest_created_at();
  // Keeps at most `max_rows`: the oldest Slack messages of a channel are merged into one
  // ("N earlier messages ...") until under the cap; NetBox rows are never merged away.
  // Returns how many rows were merged.
  std::int64_t enforce_cap(std::int64_t max_rows, std::int64_t now);

private:
  // Runs `sql` for each of `ids` in one transaction: `values` are ?1..?n, the row's id ?n+1.
  void update_rows(const char* sql, const std::vector<std::int64_t>& ids, const detail::SqlParams& values,
                   const char* doing);

  Database m_database;
  OutboxLease m_lease;
};

}  // namespace nbsync::storage
