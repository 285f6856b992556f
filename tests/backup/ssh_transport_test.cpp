// SshTransport against the lab's devices over real SSH: it logs in with each method, shows
// the verifier the key the device presents, refuses a changed key before any credential is
// sent, and says how a connection or a login failed.
#include "backup/detail/ssh_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libssh/libssh.h>

#include "tests/backup/session_lab.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::backup::detail {
namespace {

using namespace std::chrono_literals;

using test::FixedVerifier;
using test::lab_credentials;
using test::quick_limits;
using test::SessionLab;
using ::testing::HasSubstr;

const std::string k_label = "test-device";

// Opens a transport to `device` with a verifier that trusts every key: none when logged in.
std::optional<Outcome> open_trusting(const inventory::Device& device, const PlatformProfile& profile,
                                     const Credentials& credentials, const SessionLimits& limits = quick_limits()) {
  FixedVerifier verifier;
  SshTransport transport(device, profile, credentials, limits, k_label);
  return transport.open(verifier);
}

// `problem` is a failure of `kind` whose message holds `part`.
void expect_failure(const std::optional<Outcome>& problem, OutcomeKind kind, const std::string& part) {
  ASSERT_TRUE(problem) << "logged in";
  EXPECT_EQ(problem->kind, kind) << problem->message;
  EXPECT_THAT(problem->message, HasSubstr(part));
}

TEST(SshTransport, LogsInWithAPasswordAndShowsTheVerifierThePublishedKey) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  const auto credentials = lab_credentials();
  const auto limits = quick_limits();
  FixedVerifier verifier(HostKeyVerdict::trusted_first_use);
  SshTransport transport(device, lab.profile("cisco-ios"), credentials, limits, k_label);
  const auto problem = transport.open(verifier);
  ASSERT_FALSE(problem) << problem->message;
  EXPECT_EQ(verifier.asked(), 1);
  EXPECT_EQ(transport.host_key().fingerprint, lab.ssh_state(device)["host_key_fingerprint"].get<std::string>());
  EXPECT_EQ(transport.host_key().type, "ssh-ed25519");
  EXPECT_FALSE(transport.host_key().public_key.empty());
  EXPECT_EQ(transport.host_key_verdict(), HostKeyVerdict::trusted_first_use);
  EXPECT_NE(transport.open_channel().get(), nullptr) << "a logged-in transport opens channels";
}

TEST(SshTransport, AChangedHostKeyIsRefusedBeforeAnyCredentialIsSent) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  const auto credentials = lab_credentials();
  const auto limits = quick_limits();
  const auto published = lab.ssh_state(device)["host_key_fingerprint"].get<std::string>();
  lab.set_fault(device, "host_key_rotated");
  const auto checks_before = lab.credential_checks();
  FixedVerifier verifier(HostKeyVerdict::mismatch);
  {
    SshTransport transport(device, lab.profile("cisco-ios"), credentials, limits, k_label);
    const auto problem = transport.open(verifier);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->kind, OutcomeKind::host_key_mismatch);
    EXPECT_THAT(problem->message, HasSubstr("host key changed"));
    EXPECT_THAT(problem->message, HasSubstr("nbsync hostkey accept " + device.name));
    EXPECT_NE(transport.host_key().fingerprint, published);
    EXPECT_EQ(transport.host_key_verdict(), HostKeyVerdict::mismatch);
  }
  EXPECT_EQ(lab.credential_checks(), checks_before) << "the device saw a login attempt";

  FixedVerifier trusting;  // the counters do move when the key is trusted
  SshTransport transport(device, lab.profile("cisco-ios"), credentials, limits, k_label);
  ASSERT_FALSE(transport.open(trusting));
  EXPECT_GT(lab.credential_checks(), checks_before);
}

TEST(SshTransport, AnUnknownKeyUnderAStrictPolicyIsNotLoggedInto) {
  SessionLab lab;
  const auto credentials = lab_credentials();
  const auto limits = quick_limits();
  FixedVerifier verifier(HostKeyVerdict::unknown);
  SshTransport transport(lab.device("juniper-junos"), lab.profile("juniper-junos"), credentials, limits, k_label);
  expect_failure(transport.open(verifier), OutcomeKind::host_key_mismatch, "ssh.host_key_policy is strict");
}

TEST(SshTransport, AWrongPasswordIsAnAuthOutcomeNamingTheMethodsTried) {
  SessionLab lab;
  auto credentials = lab_credentials();
  credentials.password = Secret("not-the-password", "test");
  const auto problem = open_trusting(lab.device("arista-eos"), lab.profile("arista-eos"), credentials);
  expect_failure(problem, OutcomeKind::auth, "login refused for user netops (tried password, keyboard-interactive)");
  EXPECT_THAT(problem->message, ::testing::Not(HasSubstr("not-the-password")));
}

TEST(SshTransport, WithoutCredentialsForAnyOfferedMethodItSaysWhatToSet) {
  SessionLab lab;
  const Credentials credentials{"netops", Secret(), "", Secret()};
  expect_failure(open_trusting(lab.device("cisco-ios"), lab.profile("cisco-ios"), credentials), OutcomeKind::auth,
                 "offers no login method nbsync has credentials for");
}

TEST(SshTransport, FallsBackToKeyboardInteractive) {
  SessionLab lab;
  const auto& device = lab.device("cisco-nxos");
  lab.set_keyboard_interactive_only(device);
  const auto problem = open_trusting(device, lab.profile("cisco-nxos"), lab_credentials());
  EXPECT_FALSE(problem) << problem->message;
}

TEST(SshTransport, KeyboardInteractiveWithAWrongPasswordIsRefused) {
  SessionLab lab;
  const auto& device = lab.device("cisco-nxos");
  lab.set_keyboard_interactive_only(device);
  auto credentials = lab_credentials();
  credentials.password = Secret("not-the-password", "test");
  expect_failure(open_trusting(device, lab.profile("cisco-nxos"), credentials), OutcomeKind::auth,
                 "keyboard-interactive");
}

// An ed25519 key pair in `dir`: returns the private key's path; the public key is beside it.
std::string make_key_pair(const nbsync::test::TempDir& dir) {
  ssh_key key = nullptr;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &key) != SSH_OK) {
    throw std::runtime_error("libssh could not make a key");
  }
  const auto private_file = (dir / "id_ed25519").string();
  char* base64 = nullptr;
  const bool ok = ssh_pki_export_privkey_file(key, nullptr, nullptr, nullptr, private_file.c_str()) == SSH_OK &&
                  ssh_pki_export_pubkey_base64(key, &base64) == SSH_OK;
  ssh_key_free(key);
  if (!ok) {
    throw std::runtime_error("libssh could not write the key");
  }
  dir.write("id_ed25519.pub", std::string("ssh-ed25519 ") + base64 + " test\n");
  ssh_string_free_char(base64);
  return private_file;
}

TEST(SshTransport, LogsInWithAPublicKeyAndNamesAKeyItCannotRead) {
  nbsync::test::TempDir dir;
  const auto private_file = make_key_pair(dir);
  SessionLab lab({"--authorized-key", (dir / "id_ed25519.pub").string()});
  const auto problem = open_trusting(lab.device("cisco-ios"), lab.profile("cisco-ios"),
                                     Credentials{"netops", Secret(), private_file, Secret()});
  EXPECT_FALSE(problem) << problem->message;
  const auto missing = (dir / "missing").string();
  expect_failure(open_trusting(lab.device("cisco-ios"), lab.profile("cisco-ios"),
                               Credentials{"netops", Secret(), missing, Secret()}),
                 OutcomeKind::auth, "cannot read the private key " + missing);
}

TEST(SshTransport, ARefusedConnectionIsAConnectOutcome) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "refuse");
  expect_failure(open_trusting(device, lab.profile("cisco-ios"), lab_credentials()), OutcomeKind::connect,
                 k_label + ": cannot connect");
}

TEST(SshTransport, ADeviceThatNeverSpeaksSshIsATimeoutWithinTheConnectTimeout) {
  SessionLab lab;
  const auto& device = lab.device("cisco-ios");
  lab.set_fault(device, "no_banner");
  auto limits = quick_limits();
  limits.connect_timeout = 1s;
  const auto start = std::chrono::steady_clock::now();
  expect_failure(open_trusting(device, lab.profile("cisco-ios"), lab_credentials(), limits), OutcomeKind::timeout,
                 "no SSH session within 1000 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(SshTransport, AlgorithmsLibsshDoesNotKnowAreAProtocolOutcome) {
  SessionLab lab;
  const auto profile = parse_profile(
      "name = \"odd\"\nprompt = '#$'\nconfig = [\"show running-config\"]\n[ssh]\nciphers = \"rot13-cbc\"\n",
      "odd.toml");
  expect_failure(open_trusting(lab.device("cisco-ios"), *profile, lab_credentials()), OutcomeKind::protocol,
                 "profile odd lists SSH algorithms libssh does not know");
}

}  // namespace
}  // namespace nbsync::backup::detail
