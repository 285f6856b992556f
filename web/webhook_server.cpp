#include "web/webhook_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include "web/http_listener.hpp"

namespace nbsync::web {

struct WebhookServer::Running {
  Running(const WebhookConfig& config, WebhookReceiver::OnRequest on_request)
      : receiver(config, std::move(on_request)) {}
  WebhookReceiver receiver;
  httplib::Server server;
  std::unique_ptr<HttpListener> listener;  // declared last: stops before the server goes
};

WebhookServer::WebhookServer(const WebhookConfig& config, WebhookReceiver::OnRequest on_request)
    : m_running(std::make_unique<Running>(config, std::move(on_request))) {
  auto& server = m_running->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  server.set_read_timeout(10, 0);
  server.set_payload_max_length(k_webhook_max_body);  // httplib answers 413 without reading more
  m_running->receiver.register_routes(server);
  m_running->listener = std::make_unique<HttpListener>(
      server, config.listen, "webhook.listen", [](const std::string& message) { throw WebServerError(message); });
  spdlog::info("webhook: NetBox's webhooks accepted at {}{}", m_running->listener->url(), k_webhook_path);
}

WebhookServer::~WebhookServer() {
  stop();
}

std::uint16_t WebhookServer::port() const {
  return m_running->listener->port();
}

void WebhookServer::stop() {
  m_running->listener->stop();
}

}  // namespace nbsync::web
