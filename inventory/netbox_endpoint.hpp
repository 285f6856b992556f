#pragma once
// Where NetBox is and how nbsync speaks to it. Every NetBox request nbsync makes (the
// inventory walk, netbox-setup, the outbox's writes and look-ups) is built here, so the
// token header, the JSON headers, the client's timeouts and TLS, and how a failed answer
// reads exist once. NetBox URLs are printable in errors (redacted); the token never is.
#include <chrono>
#include <optional>
#include <string>

#include "types/secret.hpp"

namespace nbsync::http {
struct HttpClientOptions;
struct HttpRequest;
struct HttpResponse;
}  // namespace nbsync::http

namespace nbsync::inventory {

struct NetboxEndpoint {
  std::string url;  // base URL without /api: https://netbox.example.com
  Secret token;
  std::chrono::milliseconds timeout{30000};  // per request
  bool verify_tls = true;
  std::string ca_file;  // empty: the system's CA store
};

// Options for an HttpClient that talks to `endpoint`; `timeout_cap` shortens the timeout.
http::HttpClientOptions netbox_client_options(const NetboxEndpoint& endpoint,
                                              std::optional<std::chrono::milliseconds> timeout_cap = std::nullopt);

// The Authorization header's value for `token`: "Bearer nbt_..." for a v2 token (NetBox
// 4.5 and later), "Token <token>" for a v1 token (every release).
std::string authorization_header(const Secret& token);

// `method` on `path` ("/api/..."), with the token and JSON headers.
http::HttpRequest netbox_request(const NetboxEndpoint& endpoint, const std::string& method, const std::string& path,
                                 std::string body = {});

// NetBox's reason for an error body: its "detail", field errors, or the start of the text.
std::string netbox_reason(const std::string& body);
// "HTTP 400: <reason>", or the transport error when no answer came.
std::string netbox_failure(const http::HttpResponse& response);

}  // namespace nbsync::inventory
