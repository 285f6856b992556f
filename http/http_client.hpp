#pragma once
// A small blocking HTTP client over libcurl: one connection kept alive per HttpClient,
// timeouts on every request, TLS verification on unless switched off. Not thread-safe:
// use one HttpClient per thread. A transport failure is a value (status 0 + error), not
// an exception, so callers decide what is retryable in one place. Messages never show a
// URL unless the request says it is safe to: a webhook URL carries its secret in the path.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace nbsync::http {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
  bool verify_tls = true;
  std::string ca_file{};                      // empty: the system's CA store
  std::size_t max_response_bytes = 64 << 20;  // a larger body fails the request
  std::string user_agent = "nbsync";
};

struct HttpRequest {
  std::string method = "GET";
  std::string url{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string body{};
  // How errors name this request, e.g. "Slack webhook 'ops'". Errors show the URL itself
  // (redacted) only when `url_is_printable`; otherwise only this name and the method.
  std::string name{};
  bool url_is_printable = false;
  std::optional<std::chrono::milliseconds> timeout{};  // this request's total timeout, if shorter
};

// What messages call `request`: its method and its name, plus the redacted URL when the
// caller said the URL is printable; never the URL otherwise.
std::string describe(const HttpRequest& request);

struct HttpResponse {
  long status = 0;  // 0 when the request never got an HTTP answer
  std::string body{};
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string error;                           // transport error, names the request (describe())
  bool body_truncated = false;                 // the connection closed before the whole body came

  bool ok() const { return status >= 200 && status < 300; }
  std::optional<std::string> header(const std::string& lower_name) const;
  // Retry-After in seconds (delta form only), when the server sent one.
  std::optional<std::chrono::seconds> retry_after() const;
};

class HttpClient {
public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse send(const HttpRequest& request);

private:
  struct Handle;
  HttpClientOptions m_options;
  std::unique_ptr<Handle> m_handle;
};

}  // namespace nbsync::http
