#include "web/viewer.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

namespace nbsync::web {
namespace {

constexpr const char* k_cookie = "nbsync_session";
constexpr const char* k_html = "text/html; charset=utf-8";
constexpr std::size_t k_max_failed_sign_ins = 5;
constexpr std::chrono::seconds k_failed_sign_in_window{60};

const httplib::Headers k_security_headers = {
    {"Content-Security-Policy",
     "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
     "base-uri 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Cache-Control", "no-store"}};

std::string path_of(const std::string& base_url) {
  const auto scheme = base_url.find("://");
  const auto slash = scheme == std::string::npos ? std::string::npos : base_url.find('/', scheme + 3);
  return slash == std::string::npos ? "" : base_url.substr(slash);
}

// The value of cookie `name` in the request's Cookie header, or "".
std::string cookie_value(const httplib::Request& request, const std::string& name) {
  const std::string header = request.get_header_value("Cookie");
  std::size_t start = 0;
  while (start < header.size()) {
    const std::size_t end = std::min(header.find(';', start), header.size());
    std::string pair = header.substr(start, end - start);
    pair.erase(0, pair.find_first_not_of(' '));
    if (pair.starts_with(name + "=")) {
      return pair.substr(name.size() + 1);
    }
    start = end + 1;
  }
  return "";
}

// Where to go after signing in: a path of this viewer, never another site.
std::string local_target(const std::string& next) {
  const bool local = next.starts_with("/") && !next.starts_with("//") && next.find('\\') == std::string::npos &&
                     next.find_first_of("\r\n") == std::string::npos;
  return local ? next : "/";
}

}  // namespace

Viewer::Viewer(WebSettings settings)
    : m_settings(std::move(settings)),
      m_prefix(path_of(m_settings.web.base_url)),
      m_secure_cookie(m_settings.web.base_url.starts_with("https://") || m_settings.web.tls()),
      m_sessions(m_settings.web.session_idle, m_settings.web.session_max, m_settings.web.permission_cache),
      m_limiter(k_max_failed_sign_ins, k_failed_sign_in_window),
      m_client(m_settings.web.trusted_proxies),
      m_netbox(m_settings.netbox),
      m_history(m_settings.database, m_settings.postgres) {}

std::optional<Viewer::Caller> Viewer::caller(const httplib::Request& request) {
  const std::string id = cookie_value(request, k_cookie);
  if (id.empty()) {
    return std::nullopt;
  }
  auto token = m_sessions.use(id, Clock::now());
  if (!token) {
    return std::nullopt;
  }
  return Caller{id, std::move(*token)};
}

PageFrame Viewer::frame(bool signed_in) const {
  return {m_prefix, signed_in};
}

std::string Viewer::session_cookie(const std::string& value, std::int64_t max_age) const {
  std::string cookie = std::string(k_cookie) + "=" + value + "; Path=" + (m_prefix.empty() ? "/" : m_prefix) +
                       "; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
  return m_secure_cookie ? cookie + "; Secure" : cookie;
}

void Viewer::refuse(const httplib::Request& request, httplib::Response& response, Kind kind, int status,
                    const std::string& message) {
  response.status = status;
  if (kind == Kind::api) {
    response.set_content(nlohmann::json{{"detail", message}}.dump(), "application/json");
    return;
  }
  const bool signed_in = status != 401 && caller(request).has_value();
  response.set_content(html_page(frame(signed_in), status == 404 ? "Not found" : "Cannot show this",
                                 "<p>" + escape_html(message) + "</p>\n"),
                       k_html);
}

void Viewer::register_routes(httplib::Server& server) {
  server.set_default_headers(k_security_headers);
  server.set_exception_handler(
      [](const httplib::Request& request, httplib::Response& response, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("web: {} {}: {}", request.method, request.path, what);
        response.status = 500;
        response.set_content("nbsync could not answer this request; its log says why.\n", "text/plain; charset=utf-8");
      });
  server.set_error_handler([this](const httplib::Request& request, httplib::Response& response) {
    if (response.status == 404 && response.body.empty()) {
      refuse(request, response, request.path.starts_with("/api/") ? Kind::api : Kind::html, 404, "No such page.");
    }
  });
  server.Get("/style.css", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(std::string(stylesheet()), "text/css; charset=utf-8");
  });
  // Browsers ask for it on every site; "no icon" instead of a 404 in their console.
  server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& response) { response.status = 204; });
  server.Get("/sign-in", [this](const auto& request, auto& response) { sign_in_page(request, response); });
  server.Post("/sign-in", [this](const auto& request, auto& response) { sign_in(request, response); });
  server.Post("/sign-out", [this](const auto& request, auto& response) { sign_out(request, response); });
  server.Get("/", [this](const auto& request, auto& response) { home(request, response); });
  server.Get("/devices", [this](const httplib::Request& request, httplib::Response& response) {
    response.set_redirect(m_prefix + "/devices/" + percent_encode(request.get_param_value("id")), 303);
  });
  server.Get(R"(/devices/(\d+))",
             [this](const auto& request, auto& response) { device(request, response, Kind::html); });
  server.Get(R"(/devices/(\d+)/versions/(\d+))",
             [this](const auto& request, auto& response) { version(request, response, Kind::html); });
  server.Get(R"(/devices/(\d+)/versions/(\d+)/download)",
             [this](const auto& request, auto& response) { download(request, response); });
  server.Post(R"(/devices/(\d+)/backup-now)",
              [this](const httplib::Request& request, httplib::Response& response) { backup_now(request, response); });
  server.Get(R"(/devices/(\d+)/diff)",
             [this](const auto& request, auto& response) { diff(request, response, Kind::html); });
  server.Get(R"(/api/devices/(\d+))",
             [this](const auto& request, auto& response) { device(request, response, Kind::api); });
  server.Get(R"(/api/devices/(\d+)/versions)",
             [this](const auto& request, auto& response) { device(request, response, Kind::api); });
  server.Get(R"(/api/devices/(\d+)/versions/(\d+))",
             [this](const auto& request, auto& response) { version(request, response, Kind::api); });
  server.Get(R"(/api/devices/(\d+)/diff)",
             [this](const auto& request, auto& response) { diff(request, response, Kind::api); });
  for (const Kind kind : {Kind::html, Kind::api}) {
    const std::string root = kind == Kind::api ? "/api" : "";
    server.Get(root + "/cycles",
               [this, kind](const auto& request, auto& response) { cycles(request, response, kind); });
    server.Get(root + "/failing",
               [this, kind](const auto& request, auto& response) { failing(request, response, kind); });
    server.Get(root + "/changes",
               [this, kind](const auto& request, auto& response) { changes(request, response, kind); });
    server.Get(root + "/search",
               [this, kind](const auto& request, auto& response) { search(request, response, kind); });
    server.Get(root + "/compliance",
               [this, kind](const auto& request, auto& response) { compliance(request, response, kind); });
    server.Get(root + "/drift", [this, kind](const auto& request, auto& response) { drift(request, response, kind); });
  }
}

void Viewer::sign_in_page(const httplib::Request& request, httplib::Response& response) {
  show_sign_in(response, request.get_param_value("next"), "");
}

void Viewer::show_sign_in(httplib::Response& response, const std::string& next, const std::string& notice) {
  std::string body;
  if (!notice.empty()) {
    body.append("<p class=\"error\">").append(escape_html(notice)).append("</p>\n");
  }
  body.append(
      "<p>Sign in with your NetBox API token. You will see the config history of the devices NetBox lets "
      "that token see. (NetBox: your user menu, then API Tokens, to create one; a read-only token is "
      "enough.)</p>\n<form method=\"post\" action=\"");
  body.append(escape_html(m_prefix)).append("/sign-in\">\n<input type=\"hidden\" name=\"next\" value=\"");
  body.append(escape_html(local_target(next))).append("\">\n");
  body.append(
      "<label>NetBox API token <input type=\"password\" name=\"token\" autocomplete=\"off\" required "
      "autofocus></label>\n<p><button type=\"submit\">Sign in</button></p>\n</form>\n");
  response.set_content(html_page(frame(false), "Sign in", body), k_html);
}

void Viewer::sign_in(const httplib::Request& request, httplib::Response& response) {
  httplib::Params form;
  httplib::detail::parse_query_text(request.body, form);
  const auto field = [&form](const std::string& name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const auto now = Clock::now();
  const std::string from = m_client.of(request.remote_addr, request.get_header_value("X-Forwarded-For"));
  const auto answer = [&](int status, const std::string& notice) {
    response.status = status;
    show_sign_in(response, field("next"), notice);
  };
  if (const auto wait = m_limiter.wait(from, now); wait.count() > 0) {
    response.set_header("Retry-After", std::to_string(wait.count()));
    return answer(
        429, "Too many failed sign-ins from your address; try again in " + std::to_string(wait.count()) + " seconds.");
  }
  const Secret token(field("token"), "the sign-in form");
  if (!plausible_token(token.reveal())) {
    m_limiter.failed(from, now);
    spdlog::info("web: sign-in from {} refused: not a token", from);
    return answer(401, "That is not a NetBox API token.");
  }
  const TokenCheck check = m_netbox.check_token(token);
  if (check.answer == NetboxAnswer::unreachable) {
    spdlog::warn("web: sign-in from {}: NetBox could not be asked: {}", from, check.reason);
    return answer(503, "NetBox could not be asked about your token (" + check.reason + "); try again later.");
  }
  if (check.answer == NetboxAnswer::no) {
    m_limiter.failed(from, now);
    spdlog::info("web: sign-in from {} refused by NetBox: {}", from, check.reason);
    return answer(401, "NetBox refused the token: " + check.reason);
  }
  const std::string id = m_sessions.create(token, now);
  spdlog::info("web: sign-in from {} accepted", from);
  response.set_header("Set-Cookie", session_cookie(id, m_settings.web.session_max.count()));
  response.set_redirect(m_prefix + local_target(field("next")), 303);
}

void Viewer::sign_out(const httplib::Request& request, httplib::Response& response) {
  if (const auto signed_in = caller(request)) {
    m_sessions.remove(signed_in->session_id);
  }
  response.set_header("Set-Cookie", session_cookie("", 0));
  response.set_redirect(m_prefix + "/sign-in", 303);
}

void Viewer::home(const httplib::Request& request, httplib::Response& response) {
  if (!caller(request)) {
    response.set_redirect(m_prefix + "/sign-in", 303);
    return;
  }
  std::string body =
      "<p>Open a device's config history from its page in NetBox (the Config history button), or by "
      "its NetBox id:</p>\n<form class=\"inline\" method=\"get\" action=\"";
  body.append(escape_html(m_prefix))
      .append(
          "/devices\"><label>NetBox device id <input name=\"id\" inputmode=\"numeric\" "
          "pattern=\"[0-9]+\" required></label><button type=\"submit\">Open</button>"
          "</form>\n");
  const std::string p = escape_html(m_prefix);
  body.append("<p>Or look across the devices NetBox lets you see: the last <a href=\"" + p +
              "/cycles\">backup cycles</a>, the <a href=\"" + p + "/failing\">failing devices</a>, <a href=\"" + p +
              "/changes\">recent changes</a>, <a href=\"" + p +
              "/search\">search</a> across the configs, the <a href=\"" + p +
              "/compliance\">compliance report</a>, and <a href=\"" + p +
              "/drift\">drift</a> from NetBox's intended configs.</p>\n");
  response.set_content(html_page(frame(true), "Config history", body), k_html);
}

}  // namespace nbsync::web
