// ShellDialogue against the lab's simulated devices over real SSH: each platform's config
// read whole through a pty (enable, paging, the pager answered), and every way a device
// can fail it told as the outcome FAULTS.md names, with nothing kept.
#include "backup/detail/shell_dialogue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "backup/config_normalizer.hpp"
#include "tests/backup/session_lab.hpp"

namespace nbsync::backup::detail {
namespace {

using namespace std::chrono_literals;

using test::lab_credentials;
using test::SessionLab;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = std::chrono::steady_clock;

const std::string k_label = "test-device";

// Logs into `device` and runs the shell dialogue with `profile`.
ConfigRead read_by_shell(const inventory::Device& device, const PlatformProfile& profile,
                         const SessionLimits& limits = test::quick_limits(),
                         const Credentials& credentials = lab_credentials()) {
  test::FixedVerifier verifier;
  SshTransport transport(device, profile, credentials, limits, k_label);
  if (auto problem = transport.open(verifier)) {
    return ConfigRead{*problem, "", 0};
  }
  return ShellDialogue(transport, profile, credentials, limits, k_label).run();
}

// Sets `fault` on the lab's first `platform` device and reads its config with the shipped profile.
ConfigRead read_with_fault(SessionLab& lab, const std::string& platform, const std::string& fault,
                           const SessionLimits& limits = test::quick_limits()) {
  const auto& device = lab.device(platform);
  lab.set_fault(device, fault);
  return read_by_shell(device, lab.profile(platform), limits);
}

// The config as nbsync stores it (volatile lines dropped), for comparing with the lab's.
std::string stored_text(const PlatformProfile& profile, const std::string& raw) {
  const std::shared_ptr<const PlatformProfile> unowned(std::shared_ptr<void>(), &profile);
  return ConfigNormalizer(unowned, false).normalize(raw).text;
}

class ShellDialogueOnEachPlatform : public ::testing::TestWithParam<const char*> {};

TEST_P(ShellDialogueOnEachPlatform, ReadsTheWholeConfigAsTheDevicePrintsIt) {
  SessionLab lab;
  const auto& device = lab.device(GetParam());
  const auto& profile = lab.profile(GetParam());
  const auto read = read_by_shell(device, profile);
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  EXPECT_EQ(stored_text(profile, read.config), stored_text(profile, lab.config_text(device)));
  EXPECT_THAT(read.config, Not(HasSubstr(device.name + "#"))) << "no prompt in the config";
  EXPECT_FALSE(read.config.starts_with(profile.config_commands.front())) << "no echo in the config";
  EXPECT_GT(read.bytes_read, read.config.size());
}

INSTANTIATE_TEST_SUITE_P(Shipped, ShellDialogueOnEachPlatform,
                         ::testing::Values("cisco-ios", "cisco-nxos", "arista-eos", "juniper-junos"));

TEST(ShellDialogue, AnswersThePagerWhenPagingCannotBeTurnedOff) {
  SessionLab lab;
  // NX-OS types ahead: its pager eats the typed "exit" as keys, and the prompt still ends the config.
  for (const char* platform : {"cisco-ios", "cisco-nxos"}) {
    const auto& device = lab.device(platform);
    const auto& profile = lab.profile(platform);
    lab.set_fault(device, "ignore_paging_off");
    const auto read = read_by_shell(device, profile);
    ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << platform << ": " << read.outcome.message;
    // Step by step, nbsync answers every pager prompt and cuts it out of the read; typed
    // ahead, the keys of "exit" page on their own, so their prompts stay in the raw read
    // and normalization takes them out of what is stored.
    if (std::string(platform) == "cisco-ios") {
      EXPECT_THAT(read.config, Not(HasSubstr("--More--"))) << platform;
    }
    EXPECT_THAT(stored_text(profile, read.config), Not(HasSubstr("--More--"))) << platform;
    EXPECT_EQ(stored_text(profile, read.config), stored_text(profile, lab.config_text(device))) << platform;
  }
}

TEST(ShellDialogue, AHugeBannerIsNotMistakenForThePromptNorKept) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  const auto& profile = lab.profile("cisco-ios");
  lab.set_fault(device, "huge_banner");
  const auto read = read_by_shell(device, profile);
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  EXPECT_THAT(read.config, Not(HasSubstr("UNAUTHORIZED")));
  EXPECT_GT(read.bytes_read, 256u * 1024u);
}

TEST(ShellDialogue, AWrongEnableSecretIsAnAuthOutcome) {
  SessionLab lab;
  const auto read = read_with_fault(lab, "cisco-ios", "wrong_enable_secret");
  test::expect_failed_read(read, OutcomeKind::auth, "enable secret refused");
}

TEST(ShellDialogue, NoEnableSecretWhenTheDeviceAsksForOneIsAnAuthOutcome) {
  SessionLab lab;
  auto credentials = lab_credentials();
  credentials.enable_secret = Secret();
  const auto read = read_by_shell(lab.device("cisco-ios"), lab.profile("cisco-ios"), test::quick_limits(), credentials);
  test::expect_failed_read(read, OutcomeKind::auth, "none is configured");
}

TEST(ShellDialogue, AnUnknownPromptIsAProtocolOutcomeDecidedBeforeTheLoginTimeout) {
  SessionLab lab;
  auto limits = test::quick_limits();
  limits.login_timeout = 15s;
  const auto start = Clock::now();
  const auto read = read_with_fault(lab, "cisco-ios", "unexpected_prompt", limits);
  test::expect_failed_read(read, OutcomeKind::protocol, "unexpected prompt 'Selection [1-3]:' after login");
  EXPECT_LT(Clock::now() - start, 10s);
}

TEST(ShellDialogue, NoPromptAfterLoginIsATimeout) {
  SessionLab lab;
  auto limits = test::quick_limits();
  limits.login_timeout = 1s;
  const auto read = read_with_fault(lab, "cisco-ios", "hang_after_login", limits);
  test::expect_failed_read(read, OutcomeKind::timeout, "no prompt within 1000 ms after login");
}

TEST(ShellDialogue, SilenceMidConfigIsATimeoutAndNothingIsKept) {
  SessionLab lab;
  auto limits = test::quick_limits();
  limits.command_idle_timeout = 500ms;
  const auto read = read_with_fault(lab, "arista-eos", "hang_mid_config", limits);
  test::expect_failed_read(read, OutcomeKind::timeout, "'show running-config' went silent for 500 ms");
  EXPECT_GT(read.bytes_read, 0u);
}

TEST(ShellDialogue, SlowOutputPastTheCommandTimeoutIsATimeout) {
  SessionLab lab;
  auto limits = test::quick_limits();
  limits.command_timeout = 2s;
  const auto read = read_with_fault(lab, "juniper-junos", "trickle", limits);
  test::expect_failed_read(read, OutcomeKind::timeout, "did not finish within 2000 ms");
}

TEST(ShellDialogue, AnEndlessConfigIsTooLarge) {
  SessionLab lab;
  auto limits = test::quick_limits();
  limits.max_config_bytes = 300000;
  const auto read = read_with_fault(lab, "cisco-ios", "flood", limits);
  test::expect_failed_read(read, OutcomeKind::too_large, "more than ssh.max_config_bytes (300000)");
}

TEST(ShellDialogue, ADroppedConnectionIsIncomplete) {
  SessionLab lab;
  const auto read = read_with_fault(lab, "cisco-nxos", "close_mid_config");
  test::expect_failed_read(read, OutcomeKind::incomplete, "connection dropped during 'show running-config'");
}

TEST(ShellDialogue, AShutdownAbandonsTheReadAsATimeout) {
  SessionLab lab;
  const auto& device = lab.device("cisco-nxos");
  lab.set_fault(device, "hang_mid_config");
  std::stop_source shutdown;
  auto limits = test::quick_limits();
  limits.command_idle_timeout = 20s;
  limits.abandon = shutdown.get_token();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(1s);
    shutdown.request_stop();
  });
  const auto start = Clock::now();
  const auto read = read_by_shell(device, lab.profile("cisco-nxos"), limits);
  test::expect_failed_read(read, OutcomeKind::timeout, "abandoned because nbsync is shutting down");
  EXPECT_LT(Clock::now() - start, 5s);
}

// An IOS profile with other config commands.
std::shared_ptr<const PlatformProfile> ios_profile_running(const std::string& commands) {
  const std::string top = R"(
name = "ios-commands"
prompt = '^[^\s#>]+[>#] ?$'
unprivileged_prompt = '>\s*$'
error = '^\s*% ?(Invalid|Incomplete|Ambiguous|Unknown)'
paging_off = ["terminal length 0"]
config_end = '^end$'
)";
  const std::string enable = R"(
[enable]
command = "enable"
password_prompt = '[Pp]assword: ?$'
)";
  return parse_profile(top + "config = [" + commands + "]\n" + enable, "ios-commands.toml");
}

TEST(ShellDialogue, TheOutputsOfSeveralCommandsFollowEachOtherInTheProfilesOrder) {
  SessionLab lab;
  const auto read =
      read_by_shell(lab.device("cisco-ios"), *ios_profile_running(R"("show version", "show running-config")"));
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  const auto version = read.config.find("uptime is");
  const auto hostname = read.config.find("\nhostname ");
  ASSERT_NE(version, std::string::npos) << read.config.substr(0, 300);
  ASSERT_NE(hostname, std::string::npos);
  EXPECT_LT(version, hostname);
  EXPECT_THAT(read.config, Not(HasSubstr("show running-config\r\n"))) << "the second echo is cut off too";
  // Channel, pty, shell; enable and its secret; the paging command; each config command.
  EXPECT_EQ(read.round_trips, 3 + 2 + 1 + 2);
}

TEST(ShellDialogue, ACommandTheDeviceRefusesIsAProtocolOutcome) {
  SessionLab lab;
  const auto profile = ios_profile_running(R"("show running-config", "show runnnig-config")");
  const auto read = read_by_shell(lab.device("cisco-ios"), *profile);
  test::expect_failed_read(read, OutcomeKind::protocol, "the device refused 'show runnnig-config': % Invalid input");
}

TEST(ShellDialogue, KeepsTheConfigFromItsStartMarkerAndWantsItsEndMarker) {
  SessionLab lab;
  const std::string common = R"(
prompt = '^[^\s#>]+# ?$'
paging_off = ["terminal length 0"]
config = ["show running-config"]
config_start = '^hostname '
)";
  const auto trimmed = parse_profile("name = \"trimmed\"\n" + common, "trimmed.toml");
  const auto read = read_by_shell(lab.device("cisco-nxos"), *trimmed);
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  EXPECT_TRUE(read.config.starts_with("hostname ")) << read.config.substr(0, 200);

  const auto endless = parse_profile("name = \"endless\"\nconfig_end = '^no such marker$'\n" + common, "e.toml");
  const auto incomplete = read_by_shell(lab.device("cisco-nxos"), *endless);
  test::expect_failed_read(incomplete, OutcomeKind::incomplete, "has no end marker ('^no such marker$')");
}

// The shipped NX-OS profile, with type_ahead as given.
std::shared_ptr<const PlatformProfile> nxos_profile(bool type_ahead) {
  std::ifstream shipped(NBSYNC_SOURCE_DIR "/backup/profiles/cisco-nxos.toml");
  std::string text((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  const auto at = text.find("type_ahead = true");
  if (at == std::string::npos) {
    throw std::runtime_error("the shipped cisco-nxos profile no longer types ahead");
  }
  text.replace(at, std::string("type_ahead = true").size(), type_ahead ? "type_ahead = true" : "type_ahead = false");
  return parse_profile(text, "cisco-nxos.toml");
}

TEST(ShellDialogue, TypingAheadReadsTheSameConfigInFewerRoundTrips) {
  SessionLab lab;
  const auto& device = lab.device("cisco-nxos");
  const auto ahead = read_by_shell(device, *nxos_profile(true));
  const auto step = read_by_shell(device, *nxos_profile(false));
  ASSERT_EQ(ahead.outcome.kind, OutcomeKind::ok) << ahead.outcome.message;
  ASSERT_EQ(step.outcome.kind, OutcomeKind::ok) << step.outcome.message;
  EXPECT_EQ(stored_text(*nxos_profile(true), ahead.config), stored_text(*nxos_profile(true), step.config));
  EXPECT_EQ(stored_text(*nxos_profile(true), ahead.config), stored_text(*nxos_profile(true), lab.config_text(device)));
  // Channel, pty and shell, then: two paging commands and the config one at a time, or one write.
  EXPECT_EQ(step.round_trips, 6);
  EXPECT_EQ(ahead.round_trips, 4);
}

TEST(ShellDialogue, ADeviceThatDropsTypedAheadInputGetsTheRestOneCommandAtATime) {
  SessionLab lab;
  const auto& device = lab.device("juniper-junos");
  const auto& profile = lab.profile("juniper-junos");
  ASSERT_TRUE(profile.type_ahead);
  lab.set_fault(device, "drop_typeahead");
  const auto read = read_by_shell(device, profile);
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  EXPECT_EQ(stored_text(profile, read.config), stored_text(profile, lab.config_text(device)));
  EXPECT_EQ(read.round_trips, 4 + 2) << "the two dropped commands cost one round trip each";
}

TEST(ShellDialogue, ATypedAheadConfigCutOffIsIncomplete) {
  SessionLab lab;
  const auto read = read_with_fault(lab, "juniper-junos", "close_mid_config");
  test::expect_failed_read(read, OutcomeKind::incomplete, "connection dropped during 'show configuration'");
}

}  // namespace
}  // namespace nbsync::backup::detail
