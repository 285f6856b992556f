// fetch_config's own part: the timeouts a profile sets raise the configured ones for its
// devices (never lower them), checked as a rule and over real SSH against the lab.
#include "backup/device_session.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/backup/session_lab.hpp"

namespace nbsync::backup {
namespace {

using namespace std::chrono_literals;

TEST(LimitsFor, AProfilesTimeoutRaisesTheConfiguredOneAndNeverLowersIt) {
  SessionLimits configured = test::quick_limits();  // connect 5 s, login 10 s, idle 5 s, command 30 s
  PlatformProfile profile;
  profile.timeouts.command_idle = 60s;  // longer: applies
  profile.timeouts.login = 2s;          // shorter: the configured 10 s stays
  const SessionLimits limits = limits_for(configured, profile);
  EXPECT_EQ(limits.command_idle_timeout, 60s);
  EXPECT_EQ(limits.login_timeout, 10s);
  EXPECT_EQ(limits.connect_timeout, 5s);   // not set by the profile
  EXPECT_EQ(limits.command_timeout, 30s);  // not set by the profile
  EXPECT_EQ(limits_for(configured, PlatformProfile{}).command_idle_timeout, 5s);
}

TEST(FetchConfig, ADevicesProfileTimeoutIsTheOneItsSessionKeeps) {
  test::SessionLab lab;
  const auto& device = lab.device("juniper-junos");
  lab.set_fault(device, "trickle");  // output far slower than either limit allows
  // The shipped Junos profile with a [timeouts] table added, as a user's copy would have it.
  std::ifstream shipped(NBSYNC_SOURCE_DIR "/backup/profiles/juniper-junos.toml");
  const std::string text((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  ASSERT_THAT(text, ::testing::HasSubstr("name = \"juniper-junos\""));
  const auto profile = parse_profile(text + "\n[timeouts]\ncommand = \"2s\"\n", "juniper-junos.toml");
  SessionLimits configured = test::quick_limits();
  configured.command_timeout = 1s;
  test::FixedVerifier verifier;
  const FetchResult result = fetch_config(device, *profile, test::lab_credentials(), configured, verifier);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::timeout) << result.outcome.message;
  // The message names the limit the session kept: the profile's 2 s, not the configured 1 s.
  EXPECT_THAT(result.outcome.message, ::testing::HasSubstr("did not finish within 2000 ms"));
  EXPECT_EQ(result.config, "");
}

}  // namespace
}  // namespace nbsync::backup
