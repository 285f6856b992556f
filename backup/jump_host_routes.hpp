#pragma once
// Which jump host (bastion) each device is reached through. NetBox may name one per device
// (the custom field nbsync_jump_host, inventory::Device::jump_host); otherwise the first
// [[ssh.jump_host]] whose scope matches the device fronts it; otherwise it is dialed
// directly. A jump host without a scope fronts only the devices NetBox names it for.
#include <memory>
#include <string>
#include <vector>

#include "backup/jump_host.hpp"
#include "inventory/device.hpp"
#include "inventory/device_selector.hpp"

namespace nbsync::backup {

struct JumpHostRule {
  std::shared_ptr<const JumpHost> jump_host;  // its chain (`via`) resolved
  inventory::DeviceSelector scope;            // empty: only devices NetBox names it for
  int sessions = 0;                           // device sessions through it at once; 0: no cap
};

struct JumpHostRoute {
  std::shared_ptr<const JumpHost> jump_host;  // the innermost bastion; null: dialed directly
  std::string problem;                        // set when NetBox names a jump host the config lacks
};

class JumpHostRoutes {
public:
  explicit JumpHostRoutes(std::vector<JumpHostRule> rules = {});

  bool empty() const { return m_rules.empty(); }
  JumpHostRoute route_for(const inventory::Device& device) const;
  const std::vector<JumpHostRule>& rules() const { return m_rules; }

private:
  std::vector<JumpHostRule> m_rules;
};

}  // namespace nbsync::backup
