#pragma once
// Asks NetBox to render the intended configs of a batch of devices, a few at a time. A
// render is NetBox's slowest answer (its Jinja2 template, the device's config context and
// interfaces: tens to hundreds of ms on a real NetBox), so one at a time makes a fleet's
// first drift check take minutes; NetBox serves a handful of requests at once on its own
// workers (gunicorn: typically five or more), and four keep it responsive for its users.
// The first render is asked alone; once NetBox refuses one (a token that may not render),
// no more are asked: the rest are answered `forbidden` without a request.
#include <cstdint>
#include <memory>
#include <vector>

#include "inventory/config_renderer.hpp"
#include "inventory/netbox_endpoint.hpp"

namespace nbsync::daemon {

class DriftRenders {
public:
  static constexpr int k_at_once = 4;

  explicit DriftRenders(const inventory::NetboxEndpoint& endpoint);

  // One answer per id, in the order given. Returns once every one is answered.
  std::vector<inventory::RenderAnswer> render(const std::vector<std::int64_t>& device_ids);

private:
  std::vector<std::unique_ptr<inventory::ConfigRenderer>> m_renderers;  // one per thread: each keeps its connection
  bool m_asked_once = false;
};

}  // namespace nbsync::daemon
