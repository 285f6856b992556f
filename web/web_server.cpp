#include "web/web_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "types/listen_address.hpp"
#include "web/viewer.hpp"

namespace nbsync::web {
namespace {

constexpr std::size_t k_server_threads = 4;  // people, not scrapers: a few pages at once

// Binds `address` (port 0: any free one); returns the bound port or throws.
std::uint16_t bind_listener(httplib::Server& server, const ListenAddress& address, const std::string& listen) {
  // No SO_REUSEPORT (httplib's default): a second nbsync must fail to bind, not share the port.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  errno = 0;
  const int port = address.port == 0 ? server.bind_to_any_port(address.host)
                                     : (server.bind_to_port(address.host, address.port) ? address.port : -1);
  if (port <= 0) {
    const std::string reason = errno != 0 ? std::string(": ") + std::strerror(errno) : std::string();
    throw WebServerError("web.listen: cannot listen on " + listen + reason +
                         "; is another process using the port, or is the address not this host's?");
  }
  return static_cast<std::uint16_t>(port);
}

}  // namespace

struct WebServer::Running {
  explicit Running(WebSettings settings) : viewer(std::move(settings)) {}
  Viewer viewer;
  ListenAddress address;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> finished{false};
};

WebServer::WebServer(WebSettings settings) {
  const std::string listen = settings.web.listen;
  ListenAddress address;
  try {
    address = parse_listen_address(listen);
  } catch (const std::invalid_argument& e) {
    throw WebServerError(std::string("web.listen: ") + e.what());
  }
  m_running = std::make_unique<Running>(std::move(settings));
  Running* running = m_running.get();
  running->address = address;
  running->server.new_task_queue = [] { return new httplib::ThreadPool(k_server_threads); };
  running->server.set_read_timeout(10, 0);
  running->server.set_write_timeout(30, 0);
  running->viewer.register_routes(running->server);
  running->address.port = bind_listener(running->server, address, listen);
  running->thread = std::thread([running] {
    running->server.listen_after_bind();
    running->finished = true;
  });
  while (!running->server.is_running() && !running->finished) {  // so that an early stop() is not lost
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto& host = running->address.host;
  spdlog::info("web: serving http://{}:{}/", host.find(':') != std::string::npos ? "[" + host + "]" : host,
               running->address.port);
}

WebServer::~WebServer() {
  stop();
}

std::uint16_t WebServer::port() const {
  return m_running->address.port;
}

const std::string& WebServer::host() const {
  return m_running->address.host;
}

void WebServer::stop() {
  m_running->server.stop();
  if (m_running->thread.joinable()) {
    m_running->thread.join();
  }
}

}  // namespace nbsync::web
