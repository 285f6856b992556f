#include "inventory/device_selector.hpp"

#include <gtest/gtest.h>

namespace nbsync::inventory {
namespace {

Device device_at(std::string site, std::vector<std::string> tags) {
  Device device;
  device.site = std::move(site);
  device.role = "access";
  device.platform = "cisco-ios";
  device.tenant = "retail";
  device.tags = std::move(tags);
  return device;
}

DeviceSelector selector(std::string site, std::string tenant, std::string role, std::string tag, std::string platform) {
  DeviceSelector s;
  s.site = std::move(site);
  s.tenant = std::move(tenant);
  s.role = std::move(role);
  s.tag = std::move(tag);
  s.platform = std::move(platform);
  return s;
}

TEST(DeviceSelector, EveryKeyGivenMustMatch) {
  const Device ams = device_at("ams1", {"core", "pci"});
  EXPECT_TRUE(selector("ams1", "", "", "", "").matches(ams));
  EXPECT_TRUE(selector("ams1", "", "", "pci", "").matches(ams));
  EXPECT_FALSE(selector("ams1", "", "", "lab", "").matches(ams));
  EXPECT_FALSE(selector("fra1", "", "", "", "").matches(ams));
  EXPECT_TRUE(selector("", "retail", "access", "", "cisco-ios").matches(ams));
  EXPECT_FALSE(selector("", "", "", "", "arista-eos").matches(ams));
  EXPECT_TRUE(DeviceSelector{}.matches(ams)) << "no key: every device";
}

TEST(DeviceSelector, DescribesItselfForLogsAndMetrics) {
  EXPECT_EQ(selector("ams1", "", "", "core", "").describe(), "site=ams1 tag=core");
  EXPECT_EQ(DeviceSelector{}.describe(), "all devices");
  EXPECT_TRUE(DeviceSelector{}.empty());
  EXPECT_FALSE(selector("", "", "edge", "", "").empty());
}

TEST(DeviceSelector, ARegionMatchesTheDevicesOfItsSitesOnceNetboxHasListedThem) {
  DeviceSelector europe;
  europe.region = "europe";
  europe.role = "access";
  EXPECT_FALSE(europe.empty());
  EXPECT_FALSE(europe.matches(device_at("ams1", {}))) << "no sites known yet: it matches nothing";
  EXPECT_FALSE(europe.resolve_region({{"americas", {"nyc1"}}})) << "its region was not read";
  ASSERT_TRUE(europe.resolve_region({{"americas", {"nyc1"}}, {"europe", {"ams1", "fra1", "lon1"}}}));
  EXPECT_TRUE(europe.matches(device_at("ams1", {})));
  EXPECT_TRUE(europe.matches(device_at("lon1", {})));
  EXPECT_FALSE(europe.matches(device_at("nyc1", {})));
  EXPECT_FALSE(europe.matches(device_at("ams10", {})));
  Device router = device_at("fra1", {});
  router.role = "core";
  EXPECT_FALSE(europe.matches(router)) << "every key given must match";
  EXPECT_EQ(europe.describe(), "region=europe role=access");
  EXPECT_TRUE(DeviceSelector{}.resolve_region({})) << "no region: nothing to resolve";
}

}  // namespace
}  // namespace nbsync::inventory
