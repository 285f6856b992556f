#pragma once
// One httplib::Server listening on a configured address, on a thread of its own: what the
// viewer ([web] listen) and /metrics (daemon.metrics_listen) share. Construction binds (port
// 0: a free one; SO_REUSEADDR but not httplib's SO_REUSEPORT, so a second nbsync fails to
// bind instead of sharing the port; TCP_NODELAY) or calls `fail` with a message naming the setting and
// the address; stop() (or the destructor) closes the listener and joins the thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

#include "types/listen_address.hpp"

namespace httplib {
class Server;
}

namespace nbsync::web {

class HttpListener {
public:
  using Fail = std::function<void(const std::string& message)>;  // throws the caller's error

  // `server` (routes set) must outlive the listener; `key` names the setting in errors;
  // `scheme` ("http", or "https" for an httplib::SSLServer) is for url().
  HttpListener(httplib::Server& server, std::string_view listen, std::string_view key, const Fail& fail,
               std::string scheme = "http");
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  std::uint16_t port() const { return m_address.port; }
  const std::string& host() const { return m_address.host; }
  // "http://host:port" (or https), an IPv6 host in brackets.
  std::string url() const;
  // Stops listening and joins the thread; safe to call twice.
  void stop();

private:
  httplib::Server& m_server;
  ListenAddress m_address;
  std::string m_scheme;
  std::atomic<bool> m_finished{false};
  std::thread m_thread;
};

}  // namespace nbsync::web
