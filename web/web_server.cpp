#include "web/web_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "web/http_listener.hpp"
#include "web/viewer.hpp"

namespace nbsync::web {
namespace {

constexpr std::size_t k_server_threads = 4;  // people, not scrapers: a few pages at once

// Plain HTTP, or HTTPS with [web] cert_file and key_file.
std::unique_ptr<httplib::Server> make_server(const WebConfig& web) {
  if (!web.tls()) {
    return std::make_unique<httplib::Server>();
  }
  auto server = std::make_unique<httplib::SSLServer>(web.cert_file.c_str(), web.key_file.c_str());
  if (!server->is_valid()) {
    throw WebServerError("web.cert_file, web.key_file: OpenSSL could not use " + web.cert_file.string() + " with " +
                         web.key_file.string() +
                         "; expected a PEM certificate (chain) and the PEM private key that matches it");
  }
  return server;
}

}  // namespace

struct WebServer::Running {
  explicit Running(WebSettings settings) : server(make_server(settings.web)), viewer(std::move(settings)) {}
  std::unique_ptr<httplib::Server> server;
  Viewer viewer;
  std::unique_ptr<HttpListener> listener;  // declared last: stops before the server goes
};

WebServer::WebServer(WebSettings settings, const std::function<void(httplib::Server&)>& more_routes) {
  const std::string listen = settings.web.listen;
  const char* scheme = settings.web.tls() ? "https" : "http";
  m_running = std::make_unique<Running>(std::move(settings));
  auto& server = *m_running->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(k_server_threads); };
  server.set_read_timeout(10, 0);
  server.set_write_timeout(30, 0);
  m_running->viewer.register_routes(server);
  if (more_routes) {
    more_routes(server);
  }
  m_running->listener = std::make_unique<HttpListener>(
      server, listen, "web.listen", [](const std::string& message) { throw WebServerError(message); }, scheme);
  spdlog::info("web: serving {}/", m_running->listener->url());
}

WebServer::~WebServer() {
  stop();
}

std::uint16_t WebServer::port() const {
  return m_running->listener->port();
}

const std::string& WebServer::host() const {
  return m_running->listener->host();
}

void WebServer::stop() {
  m_running->listener->stop();
}

}  // namespace nbsync::web
