#include "backup/jump_host_routes.hpp"

namespace nbsync::backup {

JumpHostRoutes::JumpHostRoutes(std::vector<JumpHostRule> rules) : m_rules(std::move(rules)) {}

JumpHostRoute JumpHostRoutes::route_for(const inventory::Device& device) const {
  if (!device.jump_host.empty()) {
    for (const auto& rule : m_rules) {
      if (rule.jump_host->name == device.jump_host) {
        return {rule.jump_host, {}};
      }
    }
    return {nullptr, "NetBox names jump host '" + device.jump_host +
                         "' (custom field nbsync_jump_host), which no [[ssh.jump_host]] in the config defines: "
                         "add it there, or correct the field"};
  }
  for (const auto& rule : m_rules) {
    if (!rule.scope.empty() && rule.scope.matches(device)) {
      return {rule.jump_host, {}};
    }
  }
  return {};
}

}  // namespace nbsync::backup
