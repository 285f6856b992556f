// The run's Slack message: counts, then examples per kind; devices behind a failing jump
// host are one line for the jump host, not one per device.
#include "notify/slack_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace nbsync::notify {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string text_of(const std::vector<storage::OutboxRow>& rows) {
  EXPECT_EQ(rows.size(), 1u);
  return rows.empty() ? "" : nlohmann::json::parse(rows[0].payload)["text"].get<std::string>();
}

TEST(SlackSummary, DevicesBehindAFailingJumpHostAreOneLineForIt) {
  storage::RunDigest digest;
  digest.run_id = 7;
  digest.started_failing.count = 1;
  digest.started_failing.examples = {{3, "core-1"}};
  digest.started_failing.details = {"timeout: core-1: no prompt"};
  digest.failing_jump_hosts = {{"jump-<1>", 40, "auth: bastion jump-<1> (192.0.2.9:22): login refused"}};
  const std::string text = text_of(slack_summary_rows(digest, "https://netbox.example", {"ops"}));
  EXPECT_THAT(text, HasSubstr("41 device(s) started failing"));
  EXPECT_THAT(text, HasSubstr("/dcim/devices/3/|core-1>"));
  EXPECT_THAT(text, HasSubstr("*Jump hosts failing*\n• jump-&lt;1&gt;: 40 device(s) behind it not reached: auth: "
                              "bastion jump-&lt;1&gt; (192.0.2.9:22): login refused\n"));
  EXPECT_THAT(text, Not(HasSubstr("more"))) << "the devices behind it are not counted as left out";
}

TEST(SlackSummary, AFailingJumpHostAloneIsWorthAMessage) {
  storage::RunDigest digest;
  EXPECT_TRUE(slack_summary_rows(digest, "https://netbox.example", {"ops"}).empty());
  digest.failing_jump_hosts = {{"jump-1", 2, "connect: bastion jump-1: refused"}};
  EXPECT_THAT(text_of(slack_summary_rows(digest, "https://netbox.example", {"ops"})),
              HasSubstr("2 device(s) started failing"));
}

}  // namespace
}  // namespace nbsync::notify
