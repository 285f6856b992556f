#pragma once
// One device as the inventory listed it in a run: storage's own plain copy of what it keeps
// in the devices table (the daemon converts from inventory's Device). `id` is NetBox's
// device id and the key; empty strings stand for fields NetBox left unset.
#include <cstdint>
#include <string>
#include <vector>

namespace nbsync::storage {

struct DeviceRecord {
  std::int64_t id = 0;
  std::string name;
  std::string site;
  std::string role;
  std::string platform;
  std::string tenant;
  std::string status;
  std::string address;            // the address nbsync connects to, empty when none was usable
  std::vector<std::string> tags;  // tag slugs
};

}  // namespace nbsync::storage
