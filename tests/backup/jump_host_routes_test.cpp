// Which bastion a device goes through: the one NetBox names (custom field
// nbsync_jump_host), else the first [[ssh.jump_host]] whose scope matches, else none.
#include "backup/jump_host_routes.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/device_selectors.hpp"

namespace nbsync::backup {
namespace {

std::shared_ptr<const JumpHost> jump_host(const std::string& name) {
  auto made = std::make_shared<JumpHost>();
  made->name = name;
  made->address = "192.0.2.1";
  return made;
}

inventory::Device device_at(const std::string& site, const std::string& named_jump_host = {}) {
  inventory::Device device;
  device.name = "sw1";
  device.site = site;
  device.jump_host = named_jump_host;
  return device;
}

TEST(JumpHostRoutes, NetboxsChoiceFirstThenTheFirstMatchingScopeThenDirect) {
  const JumpHostRoutes routes({{jump_host("by-name-only"), {}, 0},
                               {jump_host("ams"), test::at_site("ams1"), 0},
                               {jump_host("ams-too"), test::at_site("ams1"), 0}});
  EXPECT_EQ(routes.route_for(device_at("ams1")).jump_host->name, "ams");
  EXPECT_EQ(routes.route_for(device_at("ams1", "by-name-only")).jump_host->name, "by-name-only");
  EXPECT_EQ(routes.route_for(device_at("fra1")).jump_host, nullptr);
  EXPECT_EQ(routes.route_for(device_at("fra1")).problem, "");
  EXPECT_EQ(routes.route_for(device_at("fra1", "ams-too")).jump_host->name, "ams-too");
  EXPECT_EQ(JumpHostRoutes().route_for(device_at("ams1")).jump_host, nullptr);
}

TEST(JumpHostRoutes, AJumpHostNetboxNamesButTheConfigLacksIsAProblemNotADirectDial) {
  const JumpHostRoutes routes({{jump_host("ams"), test::at_site("ams1"), 0}});
  const auto route = routes.route_for(device_at("ams1", "jump-9"));
  EXPECT_EQ(route.jump_host, nullptr);
  EXPECT_THAT(route.problem, ::testing::HasSubstr("NetBox names jump host 'jump-9'"));
  EXPECT_THAT(route.problem, ::testing::HasSubstr("add it there, or correct the field"));
}

}  // namespace
}  // namespace nbsync::backup
