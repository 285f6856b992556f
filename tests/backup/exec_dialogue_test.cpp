// ExecDialogue against the lab's devices over real SSH: IOS runs a command given as an
// exec request (no pty, no prompt); a failing command, a refused request or a broken
// stream keeps nothing. (The lab serves one channel per SSH session, so a profile with
// several exec commands cannot be read from it.)
#include "backup/detail/exec_dialogue.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/config_normalizer.hpp"
#include "tests/backup/session_lab.hpp"

namespace nbsync::backup::detail {
namespace {

using namespace std::chrono_literals;

using test::lab_credentials;
using test::SessionLab;
using ::testing::HasSubstr;

const std::string k_label = "test-device";

// An exec profile that runs `commands` and wants IOS's end marker.
std::shared_ptr<const PlatformProfile> exec_profile(const std::string& commands) {
  return parse_profile("name = \"ios-exec\"\ntransport = \"exec\"\nconfig = [" + commands +
                           "]\nconfig_end = '^end$'\nvolatile = ['^Building configuration', '^Current configuration "
                           ": ', '^! Last configuration change at ', '^! NVRAM config last updated at ', '^! No "
                           "configuration change since last restart', '^ntp clock-period ']\n",
                       "ios-exec.toml");
}

ConfigRead read_by_exec(const inventory::Device& device, const PlatformProfile& profile,
                        const SessionLimits& limits = test::quick_limits()) {
  const auto credentials = lab_credentials();
  test::FixedVerifier verifier;
  SshTransport transport(device, profile, credentials, limits, k_label);
  if (auto problem = transport.open(verifier)) {
    return ConfigRead{*problem, "", 0};
  }
  return ExecDialogue(transport, profile, limits, k_label).run();
}

TEST(ExecDialogue, ReadsTheConfigAsTheDevicePrintsIt) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  const auto profile = exec_profile("\"show running-config\"");
  const auto read = read_by_exec(device, *profile);
  ASSERT_EQ(read.outcome.kind, OutcomeKind::ok) << read.outcome.message;
  const ConfigNormalizer normalizer(profile, false);
  EXPECT_EQ(normalizer.normalize(read.config).text, normalizer.normalize(lab.config_text(device)).text);
  EXPECT_EQ(read.bytes_read, read.config.size()) << "exec output is the config, nothing else";
}

TEST(ExecDialogue, ACommandThatFailsIsAProtocolOutcomeWithItsExitStatus) {
  SessionLab lab;
  const auto profile = exec_profile("\"show runnnig-config\"");
  const auto read = read_by_exec(lab.device("cisco-ios"), *profile);
  test::expect_failed_read(read, OutcomeKind::protocol, "'show runnnig-config' ended with exit status 1");
}

TEST(ExecDialogue, ADeviceThatRefusesExecIsAProtocolOutcome) {
  SessionLab lab;
  const auto profile = exec_profile("\"show running-config\"");
  const auto read = read_by_exec(lab.device("juniper-junos"), *profile);
  test::expect_failed_read(read, OutcomeKind::protocol, "the device refused to run 'show running-config'");
}

TEST(ExecDialogue, AnEndlessOutputIsTooLarge) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "flood");
  auto limits = test::quick_limits();
  limits.max_config_bytes = 300000;
  const auto read = read_by_exec(device, *exec_profile("\"show running-config\""), limits);
  test::expect_failed_read(read, OutcomeKind::too_large,
                           "'show running-config' printed more than ssh.max_config_bytes");
}

TEST(ExecDialogue, SilenceMidOutputIsATimeout) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "hang_mid_config");
  auto limits = test::quick_limits();
  limits.command_idle_timeout = 500ms;
  const auto read = read_by_exec(device, *exec_profile("\"show running-config\""), limits);
  test::expect_failed_read(read, OutcomeKind::timeout, "went silent for 500 ms");
}

TEST(ExecDialogue, ADroppedConnectionIsIncomplete) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "close_mid_config");
  const auto read = read_by_exec(device, *exec_profile("\"show running-config\""));
  test::expect_failed_read(read, OutcomeKind::incomplete, "nothing stored");
}

}  // namespace
}  // namespace nbsync::backup::detail
