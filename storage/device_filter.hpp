#pragma once
// Which devices a query is about; an empty field matches every device. Values are NetBox
// slugs, as the inventory stores them.
#include <string>

namespace nbsync::storage {

struct DeviceFilter {
  std::string platform;
  std::string site;
  std::string role;
};

}  // namespace nbsync::storage
