#pragma once
// Asks NetBox (3.5+) for a device's intended config: POST
// /api/dcim/devices/{id}/render-config/ renders its config template (the device's own, else
// its role's, else its platform's) and answers {"configtemplate": {...}, "content": text}.
// A device without a template is 400 {"error": "No config template found for this
// device."}; a token that may not render (write disabled, or no render_config permission
// on NetBox 4.3+) is 403. One keep-alive connection; one thread uses a ConfigRenderer.
#include <cstdint>
#include <memory>
#include <string>

#include "inventory/netbox_endpoint.hpp"

namespace nbsync::http {
class HttpClient;
}

namespace nbsync::inventory {

enum class RenderStatus { rendered, no_template, forbidden, failed };

struct RenderAnswer {
  RenderStatus status = RenderStatus::failed;
  std::string content;  // the rendered text (rendered)
  std::string reason;   // NetBox's answer or the transport error (forbidden, failed); never the token
};

class ConfigRenderer {
public:
  explicit ConfigRenderer(NetboxEndpoint endpoint);
  ~ConfigRenderer();
  ConfigRenderer(const ConfigRenderer&) = delete;
  ConfigRenderer& operator=(const ConfigRenderer&) = delete;

  RenderAnswer render(std::int64_t device_id);

private:
  NetboxEndpoint m_endpoint;
  std::unique_ptr<http::HttpClient> m_http;
};

}  // namespace nbsync::inventory
