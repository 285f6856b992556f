#pragma once
// Selectors of one key, as [[ssh.limit]] tables in tests name their scope.
#include <string>

#include "inventory/device_selector.hpp"

namespace nbsync::test {

inline inventory::DeviceSelector at_site(std::string site) {
  inventory::DeviceSelector selector;
  selector.site = std::move(site);
  return selector;
}

inline inventory::DeviceSelector with_tag(std::string tag) {
  inventory::DeviceSelector selector;
  selector.tag = std::move(tag);
  return selector;
}

}  // namespace nbsync::test
