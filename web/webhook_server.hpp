#pragma once
// NetBox's webhooks on a listener of their own ([webhook] listen), for when the viewer is
// off or must not be reachable from NetBox. Binds at construction or throws
// WebServerError naming webhook.listen; stop() (or the destructor) closes it.
#include <cstdint>
#include <memory>
#include <string>

#include "web/web_server.hpp"
#include "web/webhook_receiver.hpp"

namespace nbsync::web {

class WebhookServer {
public:
  WebhookServer(const WebhookConfig& config, WebhookReceiver::OnRequest on_request);
  ~WebhookServer();
  WebhookServer(const WebhookServer&) = delete;
  WebhookServer& operator=(const WebhookServer&) = delete;

  std::uint16_t port() const;
  void stop();

private:
  struct Running;
  std::unique_ptr<Running> m_running;
};

}  // namespace nbsync::web
