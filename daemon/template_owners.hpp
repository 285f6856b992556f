#pragma once
// Which device roles and platforms name a config template in NetBox. NetBox renders a device
// from its own template, else its role's, else its platform's (Device.get_config_template);
// the device walk shows only the device's own, so the roles' and platforms' are read here,
// once per drift check and only when a device without its own needs them (two short lists).
// When NetBox cannot list them, one log line says so and such devices get no verdict this
// cycle, rather than a wrong "no template".
#include <optional>
#include <set>
#include <string>

#include "config/config.hpp"
#include "daemon/drift_check.hpp"

namespace nbsync::daemon {

class TemplateOwners {
public:
  explicit TemplateOwners(const Config& config) : m_config(config) {}

  // Whether NetBox has a template to render `device` from; none when that is unknown.
  std::optional<bool> has_template(const DriftDevice& device);

private:
  void read();

  const Config& m_config;
  bool m_read = false;
  bool m_known = false;
  std::set<std::string> m_roles;
  std::set<std::string> m_platforms;
};

}  // namespace nbsync::daemon
