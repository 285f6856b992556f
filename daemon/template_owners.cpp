#include "daemon/template_owners.hpp"

#include <spdlog/spdlog.h>

#include "daemon/cycle_settings.hpp"
#include "inventory/netbox_client.hpp"

namespace nbsync::daemon {

std::optional<bool> TemplateOwners::has_template(const DriftDevice& device) {
  if (device.config_template) {
    return true;
  }
  if (!m_read) {
    read();
  }
  if (!m_known) {
    return std::nullopt;
  }
  return m_roles.count(device.role) != 0 || m_platforms.count(device.platform) != 0;
}

void TemplateOwners::read() {
  m_read = true;
  inventory::NetboxClient client(cycle_netbox_options(m_config));
  auto roles = client.templated_slugs("/api/dcim/device-roles/");
  auto platforms = client.templated_slugs("/api/dcim/platforms/");
  if (!roles.complete || !platforms.complete) {
    spdlog::warn(
        "drift: cannot read which device roles and platforms have a config template ({}); devices without their "
        "own template get no drift verdict this cycle",
        roles.complete ? platforms.error : roles.error);
    return;
  }
  m_roles = std::move(roles.slugs);
  m_platforms = std::move(platforms.slugs);
  m_known = true;
}

}  // namespace nbsync::daemon
