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

// A shipped profile's text with `from` replaced by `to`.
std::shared_ptr<const PlatformProfile> shipped_with(const std::string& name, const std::string& from,
                                                    const std::string& to) {
  std::ifstream shipped(NBSYNC_SOURCE_DIR "/backup/profiles/" + name + ".toml");
  std::string text((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  const auto at = text.find(from);
  if (at == std::string::npos) {
    throw std::runtime_error(name + ".toml has no '" + from + "'");
  }
  return parse_profile(text.replace(at, from.size(), to), name + ".toml");
}

TEST(FetchConfig, ExecFirstReadsByExecWhereTheDeviceRunsIt) {
  test::SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  const auto& profile = lab.profile("cisco-ios");
  ASSERT_EQ(profile.transport, PlatformProfile::Transport::exec_first);
  test::FixedVerifier verifier;
  const auto logins = lab.credential_checks();
  const FetchResult result = fetch_config(device, profile, test::lab_credentials(), test::quick_limits(), verifier);
  ASSERT_EQ(result.outcome.kind, OutcomeKind::ok) << result.outcome.message;
  EXPECT_THAT(result.config, ::testing::HasSubstr("\nend\n"));
  EXPECT_EQ(result.round_trips, 2) << "a channel and its exec request";
  EXPECT_EQ(lab.credential_checks() - logins, 1u);
}

TEST(FetchConfig, ExecFirstFallsBackToTheShellOnceForADeviceThatRefusesExec) {
  test::SessionLab lab;
  const auto& device = lab.device("cisco-nxos");  // the lab's NX-OS refuses exec requests
  const auto profile = shipped_with("cisco-nxos", "transport = \"shell\"", "transport = \"exec_first\"");
  const SessionLimits limits = test::quick_limits();
  test::FixedVerifier verifier;
  const auto before = lab.credential_checks();
  const FetchResult first = fetch_config(device, *profile, test::lab_credentials(), limits, verifier);
  ASSERT_EQ(first.outcome.kind, OutcomeKind::ok) << first.outcome.message;
  EXPECT_EQ(lab.credential_checks() - before, 2u) << "the shell on a new session, the first one closed";
  EXPECT_EQ(first.round_trips, 2 + 4);

  const auto middle = lab.credential_checks();
  const FetchResult second = fetch_config(device, *profile, test::lab_credentials(), limits, verifier);
  ASSERT_EQ(second.outcome.kind, OutcomeKind::ok) << second.outcome.message;
  EXPECT_EQ(lab.credential_checks() - middle, 1u) << "the refusal is remembered: straight to the shell";
  EXPECT_EQ(second.round_trips, 4);
  EXPECT_EQ(second.config.size(), first.config.size());
}

TEST(FetchConfig, ExecFirstFallsBackWhenTheCommandFailsOverExec) {
  test::SessionLab lab;
  const auto& device = lab.device("arista-eos");
  // A config command the device answers over exec with an error line, as IOS does at privilege 1.
  const auto profile =
      shipped_with("arista-eos", "config = [\"show running-config\"]", "config = [\"show runnnig-config\"]");
  test::FixedVerifier verifier;
  const auto before = lab.credential_checks();
  const FetchResult result = fetch_config(device, *profile, test::lab_credentials(), test::quick_limits(), verifier);
  EXPECT_EQ(result.outcome.kind, OutcomeKind::protocol) << result.outcome.message;
  EXPECT_THAT(result.outcome.message, ::testing::HasSubstr("the device refused 'show runnnig-config'"));
  EXPECT_EQ(lab.credential_checks() - before, 2u) << "exec, then the shell, which the device refuses too";
}

}  // namespace
}  // namespace nbsync::backup
