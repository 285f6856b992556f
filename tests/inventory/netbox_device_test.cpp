#include "inventory/netbox_device.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "inventory/device_scope.hpp"

namespace nbsync::inventory {
namespace {

using json = nlohmann::json;

const json k_device = json::parse(R"({
  "id": 12, "name": "r1", "site": {"slug": "dc1"}, "role": {"slug": "router"},
  "platform": {"slug": "junos"}, "tenant": null, "status": {"value": "active", "label": "Active"},
  "primary_ip4": {"address": "192.0.2.1/24"}, "primary_ip6": {"address": "2001:db8::1/64"},
  "tags": [{"slug": "core"}, {"slug": "backup"}],
  "custom_fields": {"ssh_port": 2222}, "config_context": {"ssh": 830}
})");

TEST(NetboxDevice, ReadsWhatABackupNeeds) {
  const Device d = device_from_netbox(k_device, {});
  EXPECT_EQ(d.id, 12);
  EXPECT_EQ(d.name, "r1");
  EXPECT_EQ(d.site, "dc1");
  EXPECT_EQ(d.platform, "junos");
  EXPECT_EQ(d.tenant, "");
  EXPECT_EQ(d.status, "active");
  EXPECT_EQ(d.tags, (std::vector<std::string>{"core", "backup"}));
  EXPECT_EQ(d.address, "192.0.2.1");
  EXPECT_EQ(d.port, 22);
}

TEST(NetboxDevice, AddressFallsBackToIpv6ThenDnsOnlyWhenAsked) {
  json v6only = k_device;
  v6only["primary_ip4"] = nullptr;
  EXPECT_EQ(device_from_netbox(v6only, {}).address, "2001:db8::1");
  json none = v6only;
  none["primary_ip6"] = nullptr;
  EXPECT_EQ(device_from_netbox(none, {}).address, "");
  DeviceParseOptions dns;
  dns.dns_fallback = true;
  const Device by_name = device_from_netbox(none, dns);
  EXPECT_EQ(by_name.address, "r1");
  EXPECT_TRUE(by_name.address_from_dns);
}

TEST(NetboxDevice, PortComesFromCustomFieldOrConfigContext) {
  DeviceParseOptions options;
  options.default_port = 2200;
  EXPECT_EQ(device_from_netbox(k_device, options).port, 2200);
  options.port_context_key = "ssh";
  EXPECT_EQ(device_from_netbox(k_device, options).port, 830);
  options.port_custom_field = "ssh_port";
  EXPECT_EQ(device_from_netbox(k_device, options).port, 2222) << "the custom field wins";
  json bad = k_device;
  bad["custom_fields"]["ssh_port"] = "not a port";
  EXPECT_EQ(device_from_netbox(bad, options).port, 830);
}

TEST(NetboxDevice, TheJumpHostComesFromTheCustomFieldNbsyncJumpHost) {
  EXPECT_EQ(device_from_netbox(k_device, {}).jump_host, "");  // no such field
  json behind = k_device;
  behind["custom_fields"]["nbsync_jump_host"] = "jump-2";
  EXPECT_EQ(device_from_netbox(behind, {}).jump_host, "jump-2");
  behind["custom_fields"]["nbsync_jump_host"] = nullptr;  // NetBox shows an unset field as null
  EXPECT_EQ(device_from_netbox(behind, {}).jump_host, "");
}

// NetBox 4.7 shows a selection custom field's value as {"value", "label"}; earlier releases
// the bare value. Both read the same.
TEST(NetboxDevice, SelectionCustomFieldsReadInEitherShape) {
  json on_47 = k_device;
  on_47["custom_fields"]["nbsync_jump_host"] = {{"value", "jump-2"}, {"label", "Jump host 2 (Frankfurt)"}};
  on_47["custom_fields"]["ssh_port"] = {{"value", "2022"}, {"label", "Alternate SSH"}};
  DeviceParseOptions options;
  options.port_custom_field = "ssh_port";
  const Device device = device_from_netbox(on_47, options);
  EXPECT_EQ(device.jump_host, "jump-2");
  EXPECT_EQ(device.port, 2022);
}

TEST(NetboxDevice, RejectsWhatIsNotADevice) {
  EXPECT_THROW(device_from_netbox(json::parse(R"({"name": "x"})"), {}), std::invalid_argument);
  EXPECT_THROW(device_from_netbox(json::array(), {}), std::invalid_argument);
}

TEST(DeviceScope, EveryDeviceGetsAProfileOrAReason) {
  const DeviceScope scope({"active", "staged"}, {{"junos", "juniper-junos"}}, {"juniper-junos", "cisco-ios"});
  Device d = device_from_netbox(k_device, {});
  EXPECT_EQ(scope.decide(d).profile, "juniper-junos");
  EXPECT_TRUE(scope.decide(d).in_scope());
  d.platform = "cisco-ios";
  EXPECT_EQ(scope.decide(d).profile, "cisco-ios") << "a slug that is a profile name needs no mapping";
  d.platform = "ios";
  EXPECT_EQ(scope.decide(d).profile, "cisco-ios") << "common slugs map to the shipped profiles";
  d.platform = "cisco-wlc";
  EXPECT_NE(scope.decide(d).skip_reason.find("'cisco-wlc' has no profile"), std::string::npos);
  d.platform = "";
  EXPECT_NE(scope.decide(d).skip_reason.find("no platform"), std::string::npos);
  d.platform = "cisco-ios";
  d.address = "";
  EXPECT_NE(scope.decide(d).skip_reason.find("no primary IP"), std::string::npos);
  d.address = "192.0.2.1";
  d.status = "planned";
  EXPECT_NE(scope.decide(d).skip_reason.find("status 'planned'"), std::string::npos);
}

}  // namespace
}  // namespace nbsync::inventory
