// `nbsync status` after real cycles against the lab: what ran, which devices fail and since
// when, and what waits in the outbox.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

class Status : public CycleFixture {
protected:
  ProcessResult status(bool json) {
    std::vector<std::string> args = {k_nbsync, "status", "-c", (dir / "nbsync.toml").string()};
    if (json) {
      args.push_back("--json");
    }
    return run_process(args);
  }
};

TEST_F(Status, ShowsTheLastCycleTheFailingDevicesAndTheOutbox) {
  start_lab(30, 31);
  // NetBox notifications on, with the outbox left undelivered (the drain gets no time).
  write_config("", "", "\n[notify]\ndrain_timeout = \"0s\"\n");
  const auto ios = reachable_on("cisco-ios");
  ASSERT_GE(ios.size(), 2u);
  set_fault(ios[0], "wrong_password");
  set_fault(ios[1], "refuse");
  ASSERT_EQ(run_nbsync().exit_code, 0);

  const auto text = status(false);
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("last cycle: run 1"));
  EXPECT_THAT(text.out, HasSubstr("2 failing"));
  EXPECT_THAT(text.out, HasSubstr(names[ios[0]]));
  EXPECT_THAT(text.out, HasSubstr("auth"));
  EXPECT_THAT(text.out, HasSubstr("connect"));
  EXPECT_THAT(text.out, HasSubstr("netbox"));
  EXPECT_THAT(text.out, ::testing::Not(HasSubstr(k_device_password)));

  const auto json_out = status(true);
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  const auto parsed = json::parse(json_out.out);
  EXPECT_EQ(parsed["last_run"]["id"], 1);
  EXPECT_EQ(parsed["last_run"]["attempts"], summary["devices"]);
  EXPECT_EQ(parsed["last_run"]["changed"], summary["changed"]);
  EXPECT_EQ(parsed["devices_failing"], 2);
  ASSERT_EQ(parsed["failing"].size(), 2u);
  std::set<std::string> outcomes;
  for (const auto& device : parsed["failing"]) {
    outcomes.insert(device["outcome"].get<std::string>());
    EXPECT_TRUE(device["failing_since"].is_string());
  }
  EXPECT_EQ(outcomes, (std::set<std::string>{"auth", "connect"}));
  ASSERT_FALSE(parsed["outbox"].empty());
  EXPECT_EQ(parsed["outbox"][0]["channel"], "netbox");
  EXPECT_GT(parsed["outbox"][0]["rows"].get<int>(), 0);

  // The device recovers: it leaves the failing list.
  ASSERT_EQ(lab->request({"DELETE", "/lab/devices/" + std::to_string(ios[1]) + "/faults", {}, ""}).status, 200);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto after = json::parse(status(true).out);
  EXPECT_EQ(after["devices_failing"], 1);
  EXPECT_EQ(after["failing"][0]["id"], ios[0]);
}

TEST_F(Status, AMissingDatabaseSaysSoInOneLine) {
  start_lab(3, 1);
  write_config();
  const auto result = status(false);
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace nbsync::test
