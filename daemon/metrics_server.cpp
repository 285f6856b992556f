#include "daemon/metrics_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "web/http_listener.hpp"

namespace nbsync::daemon {
namespace {

constexpr const char* k_content_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::size_t k_server_threads = 2;  // scrapes are rare and cheap

}  // namespace

struct MetricsServer::Running {
  httplib::Server server;
  std::unique_ptr<web::HttpListener> listener;  // declared last: stops before the server goes
};

MetricsServer::MetricsServer(const MetricsRegistry& registry, std::string_view listen)
    : m_running(std::make_unique<Running>()) {
  auto& server = m_running->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(k_server_threads); };
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry.render(), k_content_type);
  });
  m_running->listener = std::make_unique<web::HttpListener>(
      server, listen, "metrics.listen", [](const std::string& message) { throw MetricsServerError(message); });
  spdlog::info("metrics: serving {}/metrics", m_running->listener->url());
}

MetricsServer::~MetricsServer() {
  stop();
}

std::uint16_t MetricsServer::port() const {
  return m_running->listener->port();
}

const std::string& MetricsServer::host() const {
  return m_running->listener->host();
}

void MetricsServer::stop() {
  m_running->listener->stop();
}

}  // namespace nbsync::daemon
