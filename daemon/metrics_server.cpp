#include "daemon/metrics_server.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace nbsync::daemon {
namespace {

constexpr const char* k_content_type = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::size_t k_server_threads = 2;  // scrapes are rare and cheap

}  // namespace

struct MetricsServer::Running {
  ListenAddress address;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> finished{false};
};

MetricsServer::MetricsServer(const MetricsRegistry& registry, std::string_view listen)
    : m_running(std::make_unique<Running>()) {
  try {
    m_running->address = parse_listen_address(listen);
  } catch (const std::invalid_argument& e) {
    throw MetricsServerError(std::string("metrics.listen: ") + e.what());
  }
  auto& server = m_running->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(k_server_threads); };
  // httplib's default sets SO_REUSEPORT, which lets a second nbsync bind the same port
  // without an error and share the scrapes; SO_REUSEADDR alone still allows a quick restart.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& response) {
    response.set_content(registry.render(), k_content_type);
  });

  const auto& host = m_running->address.host;
  errno = 0;
  int port = m_running->address.port;
  if (port == 0) {
    port = server.bind_to_any_port(host);
  } else if (!server.bind_to_port(host, port)) {
    port = -1;
  }
  if (port <= 0) {
    const int error = errno;
    throw MetricsServerError(std::string("metrics.listen: cannot listen on ")
                                 .append(listen)
                                 .append(error != 0 ? std::string(": ").append(std::strerror(error)) : std::string())
                                 .append("; is another process using the port, or is the address not this host's?"));
  }
  m_running->address.port = static_cast<std::uint16_t>(port);

  Running* running = m_running.get();
  running->thread = std::thread([running] {
    running->server.listen_after_bind();
    running->finished = true;
  });
  // httplib's stop() only works once the listen loop runs; wait for it so a stop() right
  // after construction cannot be lost.
  while (!running->server.is_running() && !running->finished) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  spdlog::info("metrics: serving http://{}:{}/metrics", host.find(':') != std::string::npos ? "[" + host + "]" : host,
               port);
}

MetricsServer::~MetricsServer() {
  stop();
}

std::uint16_t MetricsServer::port() const {
  return m_running->address.port;
}

const std::string& MetricsServer::host() const {
  return m_running->address.host;
}

void MetricsServer::stop() {
  m_running->server.stop();
  if (m_running->thread.joinable()) {
    m_running->thread.join();
  }
}

}  // namespace nbsync::daemon
