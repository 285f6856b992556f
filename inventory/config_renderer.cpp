#include "inventory/config_renderer.hpp"

#include <nlohmann/json.hpp>

#include "http/http_client.hpp"

namespace nbsync::inventory {

ConfigRenderer::ConfigRenderer(NetboxEndpoint endpoint)
    : m_endpoint(std::move(endpoint)), m_http(std::make_unique<http::HttpClient>(netbox_client_options(m_endpoint))) {}

ConfigRenderer::~ConfigRenderer() = default;

RenderAnswer ConfigRenderer::render(std::int64_t device_id) {
  const std::string path = "/api/dcim/devices/" + std::to_string(device_id) + "/render-config/";
  const http::HttpResponse response = m_http->send(netbox_request(m_endpoint, "POST", path, "{}"));
  if (response.status == 403) {
    return {RenderStatus::forbidden, "", netbox_failure(response)};
  }
  const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (response.status == 400 && body.is_object() && body.contains("error")) {
    return {RenderStatus::no_template, "", ""};
  }
  if (response.ok() && body.is_object() && body.contains("content") && body["content"].is_string()) {
    return {RenderStatus::rendered, body["content"].get<std::string>(), ""};
  }
  if (response.ok()) {
    return {RenderStatus::failed, "", "NetBox's render-config answer has no text \"content\""};
  }
  return {RenderStatus::failed, "", netbox_failure(response)};
}

}  // namespace nbsync::inventory
