#pragma once
// Which devices a rule of the config applies to, by what NetBox says of them: a site,
// region, tenant, role, tag and/or platform, each a slug. Every key given must match.
// A device's NetBox record names its site, not the site's region: a selector with a region
// matches nothing until resolve_region() has been given the region's sites (the cycle
// asks NetBox for them first).
#include <map>
#include <string>
#include <vector>

#include "inventory/device.hpp"

namespace nbsync::inventory {

// Region slug -> the slugs of the sites in it and in every region below it, sorted.
using RegionSites = std::map<std::string, std::vector<std::string>, std::less<>>;

struct DeviceSelector {
  std::string site;
  std::string region;
  std::vector<std::string> region_sites;  // the region's sites, sorted (resolve_region)
  std::string tenant;
  std::string role;
  std::string tag;
  std::string platform;

  // No key given: such a selector matches every device.
  bool empty() const;
  bool matches(const Device& device) const;
  // Takes the sites of this selector's region from `regions`; false when it names a
  // region `regions` lacks.
  bool resolve_region(const RegionSites& regions);
  // "site=ams1 tag=core", for logs and metrics labels; "all devices" when empty.
  std::string describe() const;
};

}  // namespace nbsync::inventory
