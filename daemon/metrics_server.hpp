#pragma once
// Serves GET /metrics (the registry's text, Prometheus format 0.0.4) on one address on
// its own thread; every other path is 404. Construction binds or throws naming the
// address, so a running MetricsServer is always listening; stop() (or the destructor)
// closes it and joins the thread. An empty metrics.listen means: construct none.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "daemon/metrics.hpp"
#include "types/listen_address.hpp"
#include "types/user_error.hpp"

namespace nbsync::daemon {

class MetricsServerError : public UserError {
public:
  explicit MetricsServerError(const std::string& message) : UserError(message, k_exit_failed) {}
};

class MetricsServer {
public:
  // Binds `listen` and starts serving `registry` (which must outlive this).
  MetricsServer(const MetricsRegistry& registry, std::string_view listen);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // The bound port (the one picked when the address asked for port 0).
  std::uint16_t port() const;
  const std::string& host() const;
  // Stops listening and joins the server thread; safe to call twice.
  void stop();

private:
  struct Running;
  std::unique_ptr<Running> m_running;
};

}  // namespace nbsync::daemon
