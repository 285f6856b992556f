#pragma once
// Which devices a rule of the config applies to, by what NetBox says of them: a site,
// tenant, role, tag and/or platform, each a slug. Every key given must match.
#include <string>

#include "inventory/device.hpp"

namespace nbsync::inventory {

struct DeviceSelector {
  std::string site;
  std::string tenant;
  std::string role;
  std::string tag;
  std::string platform;

  // No key given: such a selector matches every device.
  bool empty() const;
  bool matches(const Device& device) const;
  // "site=ams1 tag=core", for logs and metrics labels; "all devices" when empty.
  std::string describe() const;
};

}  // namespace nbsync::inventory
