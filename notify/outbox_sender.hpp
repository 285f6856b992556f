#pragma once
// Delivers the outbox: NetBox device fields as bulk PATCHes of at most `bulk_size`
// devices, journal entries as list POSTs, Slack messages one per webhook, each channel in
// order and each channel in turn, so one slow peer cannot starve the others. 2xx deletes
// the rows; no answer, 408, 429 (Retry-After honoured) and 5xx keep them with capped,
// jittered backoff; any other 4xx refuses them for good: a message stays in the outbox,
// marked refused with the peer's reason (nbsync status, /metrics); device fields go, as
// the next cycle writes again whatever NetBox still lacks. A journal entry whose send may
// have arrived (no answer, or nbsync died during it) is looked up by its `nbsync ref`
// before it is sent again, so a retry never duplicates it. Slack has no such look-up: a
// Slack message whose send was cut off is sent again (at least once).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <stop_token>
#include <string>

#include "inventory/netbox_endpoint.hpp"
#include "storage/database_location.hpp"
#include "types/secret.hpp"

namespace nbsync::notify {

struct OutboxSenderOptions {
  inventory::NetboxEndpoint netbox;
  std::map<std::string, Secret> slack_webhooks;  // name -> URL (a secret: it carries a token)
  std::chrono::milliseconds timeout{15000};      // per request, to NetBox (at most its own) and Slack
  std::size_t bulk_size = 100;
  std::chrono::seconds backoff_base{2};
  std::chrono::seconds backoff_cap{300};
  std::int64_t max_rows = 100000;  // past it, the oldest Slack messages are merged
  std::stop_token stop;            // requested: finish the request in flight, send no more
};

// What the requests to one peer ended with (one bulk request counts once).
struct RequestResults {
  std::int64_t ok = 0;
  std::int64_t retry = 0;    // kept for later: no answer, 408, 429, 5xx
  std::int64_t dropped = 0;  // refused for good
};

struct DrainReport {
  std::int64_t delivered = 0;       // rows
  std::int64_t found_already = 0;   // of them: journal entries a look-up found in NetBox
  std::int64_t refused = 0;         // messages the peer refused for good (kept, marked refused)
  std::int64_t refused_fields = 0;  // device-field rows refused (the next cycle writes them again)
  std::int64_t requests = 0;
  std::int64_t left = 0;  // rows still waiting
  RequestResults netbox, slack;
};

class OutboxSender {
public:
  OutboxSender(storage::DatabaseLocation database, OutboxSenderOptions options);
  // Sends what is due until nothing is due or `deadline` passes.
  DrainReport drain(std::chrono::steady_clock::time_point deadline);

private:
  // Whether a row of some channel becomes due before `deadline`.
  static bool due_before(storage::Outbox& outbox, const std::set<std::string>& failed,
                         std::chrono::steady_clock::time_point deadline);

  storage::DatabaseLocation m_database;
  OutboxSenderOptions m_options;
};

}  // namespace nbsync::notify
