#include "web/http_listener.hpp"

#include <httplib.h>
#include <netinet/tcp.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace nbsync::web {

HttpListener::HttpListener(httplib::Server& server, std::string_view listen, std::string_view key, const Fail& fail,
                           std::string scheme)
    : m_server(server), m_scheme(std::move(scheme)) {
  const std::string setting(key);
  try {
    m_address = parse_listen_address(listen);
  } catch (const std::invalid_argument& e) {
    fail(setting + ": " + e.what());
    throw;
  }
  // TCP_NODELAY (accepted connections inherit it): httplib writes a response's headers and
  // body apart, and with Nagle's algorithm a small body then waits for the client's delayed
  // ACK, 40 ms a page on a kept-alive connection (bench/results.md, viewer page times).
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  });
  errno = 0;
  const int port = m_address.port == 0 ? server.bind_to_any_port(m_address.host)
                                       : (server.bind_to_port(m_address.host, m_address.port) ? m_address.port : -1);
  if (port <= 0) {
    const std::string reason = errno != 0 ? std::string(": ") + std::strerror(errno) : std::string();
    fail(setting + ": cannot listen on " + std::string(listen) + reason +
         "; is another process using the port, or is the address not this host's?");
    throw std::logic_error(setting + ": the listener's fail callback did not throw");
  }
  m_address.port = static_cast<std::uint16_t>(port);
  m_thread = std::thread([this] {
    m_server.listen_after_bind();
    m_finished = true;
  });
  // httplib's stop() only works once the listen loop runs; wait for it so a stop() right
  // after construction cannot be lost.
  while (!m_server.is_running() && !m_finished) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

HttpListener::~HttpListener() {
  stop();
}

std::string HttpListener::url() const {
  const auto& host = m_address.host;
  return m_scheme + "://" + (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
         std::to_string(m_address.port);
}

void HttpListener::stop() {
  m_server.stop();
  if (m_thread.joinable()) {
    m_thread.join();
  }
}

}  // namespace nbsync::web
