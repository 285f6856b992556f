#pragma once
// The config history viewer's HTTP server on [web] listen, on its own threads: sign-in
// with a NetBox token, the device pages and their JSON twin (web/viewer.hpp). Construction
// binds or throws WebServerError naming the address, so a running WebServer is always
// listening; stop() (or the destructor) closes it and joins its thread.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "config/web_config.hpp"
#include "inventory/netbox_endpoint.hpp"
#include "storage/database.hpp"
#include "types/user_error.hpp"

namespace httplib {
class Server;
}

namespace nbsync::web {

class WebServerError : public UserError {
public:
  explicit WebServerError(const std::string& message) : UserError(message, k_exit_failed) {}
};

struct WebSettings {
  WebConfig web;
  inventory::NetboxEndpoint netbox;  // where NetBox is; users' own tokens are sent, never nbsync's
  std::filesystem::path database;
  std::optional<storage::PostgresLocation> postgres;  // set: the database is there instead
};

class WebServer {
public:
  // `more_routes` mounts other handlers on the same listener (NetBox's webhooks).
  explicit WebServer(WebSettings settings, const std::function<void(httplib::Server&)>& more_routes = {});
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  std::uint16_t port() const;
  const std::string& host() const;
  void stop();

private:
  struct Running;
  std::unique_ptr<Running> m_running;
};

}  // namespace nbsync::web
