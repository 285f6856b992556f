#pragma once
// [web]: the config history viewer (`nbsync web`, and `nbsync daemon` when `listen` is set).
// Off unless `listen` is given. `base_url` is where browsers reach it (a reverse proxy's
// https:// URL, path prefix stripped by the proxy); it makes links absolute under its path
// and the session cookie Secure when it is https. `cert_file` and `key_file` (both or
// neither, both readable when the config loads) make the viewer serve HTTPS itself.
// `trusted_proxies` (IP addresses) are the reverse proxies whose X-Forwarded-For header
// names the client the sign-in limiter counts (web/client_address.hpp).
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace nbsync {

struct WebConfig {
  std::string listen;    // "127.0.0.1:9811"; empty: no viewer
  std::string base_url;  // "https://nbsync.example.com/nbsync", no trailing slash; empty: as reached
  std::chrono::seconds session_idle{std::chrono::minutes(30)};      // a session unused this long ends
  std::chrono::seconds session_max{std::chrono::hours(12)};         // and every session ends this long after sign-in
  std::chrono::seconds permission_cache{std::chrono::seconds(60)};  // how long NetBox's "may see device" answer holds
  std::filesystem::path cert_file;                                  // PEM certificate (chain); empty: plain HTTP
  std::filesystem::path key_file;                                   // its PEM private key
  std::vector<std::string> trusted_proxies;  // IP addresses whose X-Forwarded-For names the client; none by default

  bool tls() const { return !cert_file.empty(); }
};

}  // namespace nbsync
