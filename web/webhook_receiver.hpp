#pragma once
// NetBox's "back up now" webhooks at POST /netbox/webhook (issue 20). In order: a body
// over 1 MiB is 413; X-Hook-Signature is checked (constant time) before the body is read,
// a bad or missing one is 401 with one log line (never the body); then the payload is
// read, and a webhook seen before or too old is 409, one that asks nothing 202 (ignored),
// one that asks for a device's backup 202 after `on_request` took it. Mounted on the
// viewer's listener or on a listener of its own (web/webhook_server.hpp).
#include <functional>

#include "config/webhook_config.hpp"
#include "types/backup_now_request.hpp"
#include "web/webhook_replay_guard.hpp"

namespace httplib {
class Server;
}

namespace nbsync::web {

inline constexpr const char* k_webhook_path = "/netbox/webhook";
inline constexpr std::size_t k_webhook_max_body = 1 << 20;

class WebhookReceiver {
public:
  using OnRequest = std::function<void(BackupNowRequest)>;  // called on the server's threads

  WebhookReceiver(const WebhookConfig& config, OnRequest on_request);
  void register_routes(httplib::Server& server);

private:
  Secret m_secret;
  OnRequest m_on_request;
  WebhookReplayGuard m_replays;
};

}  // namespace nbsync::web
