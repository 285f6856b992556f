#include "inventory/device_scope.hpp"

#include <algorithm>

namespace nbsync::inventory {
namespace {

// Slugs NetBox users commonly give platforms, mapped to the shipped profiles. The config's
// [platforms] table comes first; a slug that is a profile name needs no entry.
const std::map<std::string, std::string> k_common_slugs = {
    {"ios", "cisco-ios"},
    {"iosxe", "cisco-ios"},
    {"ios-xe", "cisco-ios"},
    {"cisco_ios", "cisco-ios"},
    {"nxos", "cisco-nxos"},
    {"nx-os", "cisco-nxos"},
    {"cisco_nxos", "cisco-nxos"},
    {"iosxr", "cisco-iosxr"},
    {"ios-xr", "cisco-iosxr"},
    {"asa", "cisco-asa"},
    {"eos", "arista-eos"},
    {"arista_eos", "arista-eos"},
    {"junos", "juniper-junos"},
    {"juniper_junos", "juniper-junos"},
    {"panos", "paloalto-panos"},
    {"pan-os", "paloalto-panos"},
    {"fortios", "fortinet-fortios"},
    {"routeros", "mikrotik-routeros"},
    {"vrp", "huawei-vrp"},
    {"aoscx", "aruba-aoscx"},
    {"aos-cx", "aruba-aoscx"},
};

}  // namespace

DeviceScope::DeviceScope(std::vector<std::string> statuses, std::map<std::string, std::string> platform_map,
                         std::set<std::string> profiles)
    : m_statuses(std::move(statuses)), m_platform_map(std::move(platform_map)), m_profiles(std::move(profiles)) {}

ScopeDecision DeviceScope::decide(const Device& device) const {
  ScopeDecision decision;
  if (std::find(m_statuses.begin(), m_statuses.end(), device.status) == m_statuses.end()) {
    decision.skip_reason = "status '" + device.status + "' is not in scope (netbox.filters.status)";
    return decision;
  }
  if (device.platform.empty()) {
    decision.skip_reason = "no platform in NetBox (set the device's platform, or map one in [platforms])";
    return decision;
  }
  std::string profile = device.platform;
  if (auto mapped = m_platform_map.find(device.platform); mapped != m_platform_map.end()) {
    profile = mapped->second;
  } else if (auto common = k_common_slugs.find(device.platform);
             common != k_common_slugs.end() && m_profiles.find(device.platform) == m_profiles.end()) {
    profile = common->second;
  }
  if (m_profiles.find(profile) == m_profiles.end()) {
    decision.skip_reason = "platform '" + device.platform + "' has no profile (map it in [platforms] or add " +
                           profile + ".toml to ssh.profiles_dir)";
    return decision;
  }
  if (device.address.empty()) {
    decision.skip_reason = "no primary IP in NetBox (set primary_ip4 or primary_ip6)";
    return decision;
  }
  decision.profile = profile;
  return decision;
}

}  // namespace nbsync::inventory
