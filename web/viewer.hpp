#pragma once
// The viewer's routes: the sign-in page and form, sign-out, the device pages and the fleet
// pages (cycles, failing, changes, search, compliance) with their JSON twin under /api/. Every response carries a
// strict Content-Security-Policy (no script, nothing from elsewhere) and is never cached. A request without a live
// session gets the sign-in page (HTML) or 401 (API); a device NetBox does not let the session's token see is 404,
// exactly like a device nbsync never saw; fleet pages list only the devices NetBox lists for that token.
#include <httplib.h>

#include <memory>
#include <optional>
#include <string>

#include "storage/device_status.hpp"
#include "web/client_address.hpp"
#include "web/fleet_queries.hpp"
#include "web/history_source.hpp"
#include "web/html.hpp"
#include "web/netbox_access.hpp"
#include "web/session_store.hpp"
#include "web/sign_in_limiter.hpp"
#include "web/web_server.hpp"

namespace nbsync::web {

class Viewer {
public:
  explicit Viewer(WebSettings settings);
  void register_routes(httplib::Server& server);

private:
  enum class Kind { html, api };
  struct Caller {
    std::string session_id;
    Secret token;
  };

  std::optional<Caller> caller(const httplib::Request& request);
  // The caller, or nullopt with the response answered: the sign-in page (HTML) or 401 (API).
  std::optional<Caller> signed_in_caller(const httplib::Request& request, httplib::Response& response, Kind kind);
  PageFrame frame(bool signed_in) const;
  std::string session_cookie(const std::string& value, std::int64_t max_age) const;

  void sign_in_page(const httplib::Request& request, httplib::Response& response);
  void show_sign_in(httplib::Response& response, const std::string& next, const std::string& notice);
  void sign_in(const httplib::Request& request, httplib::Response& response);
  void sign_out(const httplib::Request& request, httplib::Response& response);
  void home(const httplib::Request& request, httplib::Response& response);
  void refuse(const httplib::Request& request, httplib::Response& response, Kind kind, int status,
              const std::string& message);
  // The device a request names, when the caller is signed in and NetBox lets their token
  // see it; otherwise the response is already answered and nullopt comes back.
  std::optional<storage::DeviceStatus> visible_device(const httplib::Request& request, httplib::Response& response,
                                                      Kind kind);

  void device(const httplib::Request& request, httplib::Response& response, Kind kind);
  void version(const httplib::Request& request, httplib::Response& response, Kind kind);
  void download(const httplib::Request& request, httplib::Response& response);
  void diff(const httplib::Request& request, httplib::Response& response, Kind kind);
  void backup_now(const httplib::Request& request, httplib::Response& response);

  // What a fleet page asks: the devices NetBox lists for the caller's token (cached for the
  // session for web.permission_cache) and the slice of the answer to show. nullopt: the
  // response is already answered (no session, NetBox unreachable, a bad offset or limit).
  struct FleetAsk {
    std::shared_ptr<const DeviceIds> visible;
    PageSlice slice;
  };
  std::optional<FleetAsk> fleet_ask(const httplib::Request& request, httplib::Response& response, Kind kind,
                                    std::size_t default_limit);
  void cycles(const httplib::Request& request, httplib::Response& response, Kind kind);
  void failing(const httplib::Request& request, httplib::Response& response, Kind kind);
  void changes(const httplib::Request& request, httplib::Response& response, Kind kind);
  void search(const httplib::Request& request, httplib::Response& response, Kind kind);
  void compliance(const httplib::Request& request, httplib::Response& response, Kind kind);
  void drift(const httplib::Request& request, httplib::Response& response, Kind kind);

  WebSettings m_settings;
  std::string m_prefix;  // the path of base_url: "" or "/nbsync"
  bool m_secure_cookie;  // base_url is https, or the viewer serves TLS itself
  SessionStore m_sessions;
  SignInLimiter m_limiter;
  ClientAddress m_client;  // who signs in: the peer, or X-Forwarded-For from a trusted proxy
  NetboxAccess m_netbox;
  HistorySource m_history;
};

}  // namespace nbsync::web
