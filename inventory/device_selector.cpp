#include "inventory/device_selector.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace nbsync::inventory {
namespace {

// The selector's keys with their names, in the order describe() prints them.
std::array<std::pair<const char*, const std::string*>, 6> keys_of(const DeviceSelector& selector) {
  return {{{"site", &selector.site},
           {"region", &selector.region},
           {"tenant", &selector.tenant},
           {"role", &selector.role},
           {"tag", &selector.tag},
           {"platform", &selector.platform}}};
}

}  // namespace

bool DeviceSelector::empty() const {
  return site.empty() && region.empty() && tenant.empty() && role.empty() && tag.empty() && platform.empty();
}

bool DeviceSelector::matches(const Device& device) const {
  return (site.empty() || site == device.site) &&
         (region.empty() || std::binary_search(region_sites.begin(), region_sites.end(), device.site)) &&
         (tenant.empty() || tenant == device.tenant) && (role.empty() || role == device.role) &&
         (platform.empty() || platform == device.platform) &&
         (tag.empty() || std::find(device.tags.begin(), device.tags.end(), tag) != device.tags.end());
}

bool DeviceSelector::resolve_region(const RegionSites& regions) {
  if (region.empty()) {
    return true;
  }
  const auto sites = regions.find(region);
  if (sites == regions.end()) {
    return false;
  }
  region_sites = sites->second;
  return true;
}

std::string DeviceSelector::describe() const {
  std::string text;
  for (const auto& [name, value] : keys_of(*this)) {
    if (!value->empty()) {
      text.append(text.empty() ? "" : " ").append(name).append("=").append(*value);
    }
  }
  return text.empty() ? "all devices" : text;
}

}  // namespace nbsync::inventory
