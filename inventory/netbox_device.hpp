#pragma once
// Turns one device object of NetBox's JSON into a Device: slugs of site/role/platform/
// tenant/tags, the status value, the address to dial (primary_ip4, then primary_ip6,
// then the device name when DNS fallback is on) and the SSH port (a custom field or a
// config-context key may override the default).
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "inventory/device.hpp"

namespace nbsync::inventory {

struct DeviceParseOptions {
  std::uint16_t default_port = 22;
  std::string port_custom_field;  // custom_fields[<name>] overrides the port when set
  std::string port_context_key;   // config_context[<key>] overrides the port when set
  bool dns_fallback = false;      // no primary IP: dial the device name
};

// Throws std::invalid_argument naming what is wrong when `object` is not a device.
Device device_from_netbox(const nlohmann::json& object, const DeviceParseOptions& options);

}  // namespace nbsync::inventory
