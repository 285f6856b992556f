#include "lab/config_context.hpp"

#include <string>

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

std::string octet(std::size_t n) {
  return std::to_string(n % 250 + 1);
}

json global_context() {
  json acl = json::array();
  for (int i = 0; i < 16; ++i) {
    acl.push_back({{"sequence", (i + 1) * 10},
                   {"action", "permit"},
                   {"source", "10." + std::to_string(i) + ".0.0/16"},
                   {"remark", "management network " + std::to_string(i)}});
  }
  return {
      {"ntp", {{"servers", {"10.0.0.11", "10.0.0.12", "10.1.0.11", "10.1.0.12"}}, {"source_interface", "Loopback0"}}},
      {"dns",
       {{"servers", {"10.0.0.53", "10.1.0.53", "10.2.0.53"}},
        {"search", {"net.example.com", "mgmt.example.com", "example.com"}}}},
      {"syslog",
       {{"hosts", {{{"host", "10.0.1.10"}, {"facility", "local6"}}, {{"host", "10.1.1.10"}, {"facility", "local6"}}}},
        {"level", "informational"}}},
      {"aaa",
       {{"tacacs_servers",
         {{{"host", "10.0.2.10"}, {"timeout", 5}},
          {{"host", "10.1.2.10"}, {"timeout", 5}},
          {{"host", "10.2.2.10"}, {"timeout", 5}}}},
        {"accounting", "start-stop"},
        {"fallback", "local"}}},
      {"snmp",
       {{"contact", "noc@example.com"},
        {"trap_hosts", {"10.0.3.10", "10.1.3.10"}},
        {"views", {"iso", "system", "interfaces"}}}},
      {"management_acl", acl},
      {"banner",
       "Authorized access only. Activity on this device is logged and monitored.\n"
       "Disconnect now if you are not an authorized user. Contact noc@example.com."},
      {"qos", {{"classes", {"voice", "video", "critical-data", "bulk", "scavenger", "default"}}}}};
}

json region_context(const std::string& region) {
  return {{"region", region},
          {"ntp", {{"servers", {"10.8.0.11", "10.8.0.12"}}}},
          {"syslog", {{"regional_collector", "syslog-" + region + ".example.com"}}},
          {"timezone", region == "europe" ? "Europe/Amsterdam" : "UTC"}};
}

json site_context(const Choice& site) {
  json vlans = json::array();
  for (int vlan = 0; vlan < 24; ++vlan) {
    vlans.push_back({{"id", 100 + vlan * 10},
                     {"name", site.slug + "-vlan" + std::to_string(100 + vlan * 10)},
                     {"description", "site " + site.name + " segment " + std::to_string(vlan)}});
  }
  const std::string net = "10." + octet(static_cast<std::size_t>(site.id)) + ".";
  return {{"site", {{"name", site.name}, {"slug", site.slug}, {"address", site.name + " data centre, hall 2"}}},
          {"vlans", vlans},
          {"management_subnet", net + "0.0/24"},
          {"dhcp_helpers", {net + "1.5", net + "1.6"}}};
}

json role_context(const Choice& role) {
  return {{"role", role.slug},
          {"spanning_tree", {{"mode", "rapid-pvst"}, {"priority", role.slug == "core" ? 4096 : 32768}}},
          {"interface_defaults", {{"mtu", 9216}, {"description_template", "{peer} {peer_port}"}, {"shutdown", false}}},
          {"bgp", {{"template", role.slug + "-peers"}, {"graceful_restart", true}, {"bfd", true}}}};
}

json platform_context(const Choice& platform) {
  return {{"platform", platform.slug},
          {"ssh", {{"version", 2}, {"timeout", 60}, {"retries", 3}}},
          {"logging_buffer", 65536},
          {"image", {{"train", platform.slug + "-stable"}, {"verify", true}}}};
}

}  // namespace

json config_context(const Fleet& fleet, const LabDevice& device) {
  json merged = global_context();
  std::vector<int> regions;
  for (std::optional<int> region = fleet.site_region(device.site); region; region = fleet.region_parent(*region)) {
    regions.insert(regions.begin(), *region);  // the continent first, the country over it
  }
  for (const int region : regions) {
    merged.merge_patch(region_context(fleet.regions()[static_cast<std::size_t>(region)].slug));
  }
  merged.merge_patch(site_context(fleet.sites()[static_cast<std::size_t>(device.site)]));
  merged.merge_patch(role_context(fleet.roles()[static_cast<std::size_t>(device.role)]));
  if (device.platform) {
    merged.merge_patch(platform_context(fleet.platforms()[static_cast<std::size_t>(*device.platform)]));
  }
  return merged;
}

}  // namespace nbsync::lab
