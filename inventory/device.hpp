#pragma once
// One device of the NetBox inventory, as much as a backup needs and no more: the fleet
// list holds many of these, so keep it lean. `address` is a bare IP (no /mask), empty
// when NetBox gives none.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::inventory {

struct Device {
  std::int64_t id = 0;            // NetBox device id
  std::string name;               // as NetBox shows it (may be empty: NetBox allows unnamed devices)
  std::string site;               // site slug
  std::string role;               // role slug
  std::string platform;           // platform slug, empty when NetBox has none
  std::string tenant;             // tenant slug, empty when none
  std::string status;             // NetBox status value: active, offline, planned, ...
  std::vector<std::string> tags;  // tag slugs
  std::string address;            // IP to dial, without mask; a host name when address_from_dns
  bool address_from_dns = false;
  std::uint16_t port = 22;  // SSH port
  // nbsync's own custom fields (nbsync_*) as NetBox shows them now, as a JSON object text;
  // empty when NetBox has none (netbox-setup not run). Lets nbsync converge them.
  std::string nbsync_fields;
  // The bastion (an [[ssh.jump_host]] name) NetBox's custom field nbsync_jump_host names;
  // empty when it is unset (the device is dialed directly).
  std::string jump_host;
  // NetBox names a config template on the device itself (`config_template`, NetBox 3.5+):
  // render-config can give its intended config. A template only on its role or platform
  // is found by asking (see daemon/drift_check.hpp).
  bool config_template = false;
};

// "192.0.2.1/24" -> "192.0.2.1", "2001:db8::1/64" -> "2001:db8::1"; nullopt when the
// text is not an IP address with an optional prefix length.
std::optional<std::string> address_without_mask(std::string_view cidr);

}  // namespace nbsync::inventory
