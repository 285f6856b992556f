#pragma once
// Delivers the outbox: NetBox device fields as bulk PATCHes of at most `bulk_size`
// devices, journal entries as list POSTs, Slack messages one per webhook, each channel in
// order. 2xx deletes the rows; no answer, 408, 429 (Retry-After honoured) and 5xx keep them
// with capped, jittered backoff; any other 4xx drops them with one error line carrying
// the peer's reason. A journal entry whose earlier send may have arrived is looked up
// before it is sent again, so a retry never duplicates it.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "types/secret.hpp"

namespace nbsync::notify {

struct OutboxSenderOptions {
  std::string netbox_url;
  Secret netbox_token;
  std::map<std::string, Secret> slack_webhooks;  // name -> URL (a secret: it carries a token)
  std::chrono::milliseconds timeout{15000};
  bool verify_tls = true;
  std::string ca_file;
  std::size_t bulk_size = 100;
  std::chrono::seconds backoff_base{2};
  std::chrono::seconds backoff_cap{300};
  std::int64_t max_rows = 100000;           // past it, the oldest Slack messages are merged
  const std::atomic<bool>* stop = nullptr;  // set: finish the request in flight, send no more
};

// What the requests to one peer ended with (one bulk request counts once).
struct RequestResults {
  std::int64_t ok = 0;
  std::int64_t retry = 0;    // kept for later: no answer, 408, 429, 5xx
  std::int64_t dropped = 0;  // refused for good
};

struct DrainReport {
  std::int64_t delivered = 0;  // rows
  std::int64_t dropped = 0;    // rows the peer refused for good
  std::int64_t requests = 0;
  std::int64_t left = 0;  // rows still waiting
  RequestResults netbox, slack;
};

class OutboxSender {
public:
  OutboxSender(std::filesystem::path database_file, OutboxSenderOptions options);
  // Sends what is due until nothing is due or `deadline` passes.
  DrainReport drain(std::chrono::steady_clock::time_point deadline);

private:
  std::filesystem::path m_database_file;
  OutboxSenderOptions m_options;
};

}  // namespace nbsync::notify
