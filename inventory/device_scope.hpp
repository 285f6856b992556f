#pragma once
// Decides, per device, whether a backup is attempted and with which platform profile, or
// why it is skipped. Every device gets a decision: nothing is dropped silently.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "inventory/device.hpp"

namespace nbsync::inventory {

struct ScopeDecision {
  std::string profile;      // the platform profile to use, when in scope
  std::string skip_reason;  // why not, worded for the operator, when skipped
  bool in_scope() const { return skip_reason.empty(); }
};

class DeviceScope {
public:
  // `statuses`: NetBox status values backed up. `platform_map`: NetBox platform slug ->
  // profile name (from the config). `profiles`: the profile names that exist. A slug
  // that is itself a profile name needs no mapping.
  DeviceScope(std::vector<std::string> statuses, std::map<std::string, std::string> platform_map,
              std::set<std::string> profiles);

  ScopeDecision decide(const Device& device) const;

private:
  std::vector<std::string> m_statuses;
  std::map<std::string, std::string> m_platform_map;
  std::set<std::string> m_profiles;
};

}  // namespace nbsync::inventory
