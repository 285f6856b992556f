#pragma once
// Sends the lab NetBox's webhooks as NetBox's RQ worker does: after the API request that
// caused them has answered, one at a time, in order, each POSTed (the webhook's method)
// with its content type and, when the webhook has a secret, X-Hook-Signature (hex
// HMAC-SHA512 of the body). Only to http:// URLs on loopback; anything else is recorded
// as refused, never sent. Each attempt is recorded for tests:
//   GET    /lab/webhook-deliveries   {"deliveries": [{"webhook", "object_id", "status", "error"}...]}
//   DELETE /lab/webhook-deliveries   forget them
// The thread starts with the first webhook (the lab forks its SSH workers before that).
// Thread-safe.
#include <httplib.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/event_rules.hpp"

namespace nbsync::lab {

class WebhookSender {
public:
  WebhookSender() = default;
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void enqueue(std::vector<WebhookCall> calls);
  void register_routes(httplib::Server& server);

private:
  void run();
  nlohmann::json deliver(const WebhookCall& call);

  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<WebhookCall> m_queue;
  std::vector<nlohmann::json> m_deliveries;
  bool m_stopping = false;
  std::thread m_thread;
};

// NetBox's X-Hook-Signature for `body`.
std::string hook_signature(const std::string& secret, const std::string& body);

}  // namespace nbsync::lab
