#include "inventory/netbox_endpoint.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "http/http_client.hpp"

namespace nbsync::inventory {

http::HttpClientOptions netbox_client_options(const NetboxEndpoint& endpoint,
                                              std::optional<std::chrono::milliseconds> timeout_cap) {
  http::HttpClientOptions options;
  options.total_timeout = std::min(endpoint.timeout, timeout_cap.value_or(endpoint.timeout));
  options.connect_timeout = std::min(options.total_timeout, std::chrono::milliseconds(10000));
  options.verify_tls = endpoint.verify_tls;
  options.ca_file = endpoint.ca_file;
  options.user_agent = "nbsync";
  return options;
}

std::string authorization_header(const Secret& token) {
  const std::string& text = token.reveal();
  // v2 tokens (NetBox 4.5) are "nbt_<key>.<token>" and go with Bearer; NetBox before 4.5
  // knows only Token, which v1 tokens (40 hex digits) keep on every release.
  return (text.starts_with("nbt_") ? "Bearer " : "Token ") + text;
}

http::HttpRequest netbox_request(const NetboxEndpoint& endpoint, const std::string& method, const std::string& path,
                                 std::string body) {
  http::HttpRequest request{.method = method, .url = endpoint.url + path, .name = "NetBox", .url_is_printable = true};
  request.headers = {{"Authorization", authorization_header(endpoint.token)}, {"Accept", "application/json"}};
  if (method != "GET") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(body);
  }
  return request;
}

std::string netbox_reason(const std::string& body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("detail") && parsed["detail"].is_string()) {
    return parsed["detail"].get<std::string>();
  }
  if (!parsed.is_discarded()) {
    return parsed.dump().substr(0, 300);
  }
  std::string text = body.substr(0, 200);
  std::replace(text.begin(), text.end(), '\n', ' ');
  std::replace(text.begin(), text.end(), '\r', ' ');
  return text.empty() ? "no body" : "non-JSON body: " + text;
}

std::string netbox_failure(const http::HttpResponse& response) {
  if (response.status == 0) {
    return response.error;
  }
  return "HTTP " + std::to_string(response.status) + ": " + netbox_reason(response.body);
}

}  // namespace nbsync::inventory
