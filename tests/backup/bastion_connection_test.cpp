// Devices behind the lab's SSH bastions (nbsync-lab --bastion-sites), backed up through
// libssh direct-tcpip tunnels of one BastionConnection: a device the lab filters answers no
// direct connection, several devices share one bastion login, a chained site is reached
// through a tunnel of the outer bastion, and each bastion fault gives the device an outcome
// that names the bastion and what failed.
#include "backup/bastion_connection.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "tests/backup/session_lab.hpp"

namespace nbsync::backup {
namespace {

// Opens `bastion`; a failure shows its message.
void expect_open(BastionConnection& bastion) {
  const auto problem = bastion.open();
  ASSERT_FALSE(problem.has_value()) << problem->message;
}

using namespace std::chrono_literals;
using json = nlohmann::json;

class BastionSessions : public ::testing::Test {
protected:
  BastionSessions() : m_lab({"--bastion-sites", "0.5"}) {
    for (const auto& entry : m_lab.bastions()) {
      JumpHost jump_host;
      jump_host.name = entry["name"].get<std::string>();
      jump_host.address = entry["address"].get<std::string>();
      jump_host.port = entry["port"].get<std::uint16_t>();
      jump_host.credentials = {entry["user"].get<std::string>(), Secret("jump-password", "test"), "", Secret()};
      m_jump_hosts[jump_host.name] = jump_host;
      m_published_fingerprints[jump_host.name] = entry["host_key_fingerprint"].get<std::string>();
      if (!entry["behind"].is_null()) {
        m_inner = jump_host.name;
        m_outer_of_inner = entry["behind"].get<std::string>();
      }
    }
  }

  // The devices NetBox puts behind `bastion` (its nbsync_jump_host custom field).
  std::vector<inventory::Device> devices_behind(const std::string& bastion) const {
    std::vector<inventory::Device> behind;
    for (const auto& device : m_lab.devices()) {
      const auto fields = json::parse(device.nbsync_fields.empty() ? "{}" : device.nbsync_fields);
      if (fields.value("nbsync_jump_host", json()) == bastion) {
        behind.push_back(device);
      }
    }
    return behind;
  }
  // An outer bastion (reached directly) with at least `count` devices behind it.
  std::string outer_bastion_with(std::size_t count) const {
    for (const auto& [name, jump_host] : m_jump_hosts) {
      if (name != m_inner && devices_behind(name).size() >= count) {
        return name;
      }
    }
    throw std::runtime_error("no outer bastion with " + std::to_string(count) + " devices behind it");
  }

  FetchResult fetch(const inventory::Device& device, BastionConnection* via, const SessionLimits& limits,
                    HostKeyVerifier& verifier) {
    return fetch_config(device, m_lab.profile(device.platform), test::lab_credentials(), limits, verifier, via);
  }
  FetchResult fetch(const inventory::Device& device, BastionConnection* via, const SessionLimits& limits) {
    return fetch(device, via, limits, m_verifier);
  }

  test::SessionLab m_lab;
  test::FixedVerifier m_verifier;
  std::map<std::string, JumpHost> m_jump_hosts;
  std::map<std::string, std::string> m_published_fingerprints;
  std::string m_inner;
  std::string m_outer_of_inner;
};

TEST_F(BastionSessions, ADeviceBehindABastionIsBackedUpThroughItAndTimesOutDirectly) {
  const std::string name = outer_bastion_with(1);
  const inventory::Device device = devices_behind(name).front();
  SessionLimits direct_limits = test::quick_limits();
  direct_limits.connect_timeout = 1s;
  const FetchResult direct = fetch(device, nullptr, direct_limits);
  EXPECT_EQ(direct.outcome.kind, OutcomeKind::timeout) << direct.outcome.message;

  BastionConnection bastion(m_jump_hosts.at(name), test::quick_limits(), m_verifier);
  ASSERT_NO_FATAL_FAILURE(expect_open(bastion));
  const FetchResult through = fetch(device, &bastion, test::quick_limits());
  EXPECT_EQ(through.outcome.kind, OutcomeKind::ok) << through.outcome.message;
  EXPECT_FALSE(through.config.empty());
  EXPECT_EQ(through.host_key.fingerprint, m_lab.ssh_state(device)["host_key_fingerprint"].get<std::string>());
  const auto counters = m_lab.bastion_counters(name);
  EXPECT_EQ(counters["connections"], 1);
  EXPECT_EQ(counters["forwards"], 1);
}

TEST_F(BastionSessions, SeveralDevicesAtOnceShareOneBastionConnection) {
  const std::string name = outer_bastion_with(3);
  const auto devices = devices_behind(name);
  BastionConnection bastion(m_jump_hosts.at(name), test::quick_limits(), m_verifier);
  ASSERT_NO_FATAL_FAILURE(expect_open(bastion));
  std::vector<FetchResult> results(devices.size());
  std::vector<test::FixedVerifier> verifiers(devices.size());  // one per thread: FixedVerifier is not thread-safe
  {
    std::vector<std::jthread> workers;
    for (std::size_t i = 0; i < devices.size(); ++i) {
      workers.emplace_back([&, i] { results[i] = fetch(devices[i], &bastion, test::quick_limits(), verifiers[i]); });
    }
  }
  for (std::size_t i = 0; i < devices.size(); ++i) {
    EXPECT_EQ(results[i].outcome.kind, OutcomeKind::ok) << results[i].outcome.message;
    EXPECT_FALSE(results[i].config.empty()) << devices[i].name;
  }
  const auto counters = m_lab.bastion_counters(name);
  EXPECT_EQ(counters["connections"], 1);
  EXPECT_EQ(counters["forwards"], devices.size());
  EXPECT_TRUE(bastion.alive());
}

TEST_F(BastionSessions, AChainedSiteIsReachedThroughATunnelOfTheOuterBastion) {
  ASSERT_FALSE(m_inner.empty());
  const auto devices = devices_behind(m_inner);
  ASSERT_FALSE(devices.empty());
  BastionConnection outer(m_jump_hosts.at(m_outer_of_inner), test::quick_limits(), m_verifier);
  ASSERT_NO_FATAL_FAILURE(expect_open(outer));
  BastionConnection inner(m_jump_hosts.at(m_inner), test::quick_limits(), m_verifier, &outer);
  ASSERT_NO_FATAL_FAILURE(expect_open(inner));
  const FetchResult result = fetch(devices.front(), &inner, test::quick_limits());
  EXPECT_EQ(result.outcome.kind, OutcomeKind::ok) << result.outcome.message;
  EXPECT_FALSE(result.config.empty());
  EXPECT_EQ(m_lab.bastion_counters(m_inner)["connections"], 1);
  EXPECT_EQ(m_lab.bastion_counters(m_inner)["forwards"], 1);
  EXPECT_EQ(m_lab.bastion_counters(m_outer_of_inner)["forwards"], 1);  // the inner bastion's tunnel
}

// Trusts only the host key the lab publishes for a bastion: any other is a changed key.
class PinnedVerifier : public HostKeyVerifier {
public:
  explicit PinnedVerifier(std::string fingerprint) : m_fingerprint(std::move(fingerprint)) {}
  HostKeyVerdict verify(const inventory::Device&, const HostKey& key) override {
    return key.fingerprint == m_fingerprint ? HostKeyVerdict::trusted : HostKeyVerdict::mismatch;
  }

private:
  std::string m_fingerprint;
};

struct BastionFault {
  std::string fault;
  OutcomeKind kind;
  std::string words;  // what the device's outcome says failed
};

TEST_F(BastionSessions, AFailingBastionGivesTheDeviceBehindItAnOutcomeThatNamesTheBastion) {
  const std::string name = outer_bastion_with(1);
  const inventory::Device device = devices_behind(name).front();
  SessionLimits limits = test::quick_limits();
  limits.connect_timeout = 2s;
  const std::string published = m_published_fingerprints.at(name);
  const std::vector<BastionFault> faults = {
      {"refuse", OutcomeKind::connect, "Connection refused"},
      {"hang", OutcomeKind::timeout, "no SSH session within 2000 ms"},
      {"auth_failure", OutcomeKind::auth, "login refused for user jumpops"},
      {"forwarding_refused", OutcomeKind::connect,
       "refused the tunnel to " + device.address + ":" + std::to_string(device.port) +
           " (Channel opening failure: channel"},
      {"hang_forward", OutcomeKind::timeout, "opened no tunnel to " + device.address},
      {"host_key_rotated", OutcomeKind::host_key_mismatch, "host key changed"},
  };
  for (const auto& [fault, kind, words] : faults) {
    SCOPED_TRACE(fault);
    m_lab.set_bastion_fault(name, fault);
    PinnedVerifier verifier(published);
    BastionConnection bastion(m_jump_hosts.at(name), limits, verifier);
    const auto opened = bastion.open();
    const FetchResult result = fetch(device, &bastion, limits);
    EXPECT_EQ(result.outcome.kind, kind) << result.outcome.message;
    EXPECT_THAT(result.outcome.message, ::testing::HasSubstr(words));
    EXPECT_THAT(result.outcome.message, ::testing::HasSubstr("bastion " + name));
    EXPECT_THAT(result.outcome.message, ::testing::HasSubstr(device.name));
    EXPECT_THAT(result.outcome.message, ::testing::Not(::testing::HasSubstr("jump-password")));
    EXPECT_EQ(result.config, "");
  }
  m_lab.set_bastion_fault(name, "forwarding_refused");
  BastionConnection refusing(m_jump_hosts.at(name), limits, m_verifier);
  ASSERT_NO_FATAL_FAILURE(expect_open(refusing));
  EXPECT_THAT(fetch(device, &refusing, limits).outcome.message,
              ::testing::HasSubstr("error (1): administratively prohibited)"));
  EXPECT_EQ(m_lab.bastion_counters(name)["logins"], 3);  // forwarding_refused (twice) and hang_forward only
}

TEST_F(BastionSessions, ADeviceThatRefusesBehindABastionIsAConnectFailureOfTheDevice) {
  const std::string name = outer_bastion_with(1);
  const inventory::Device device = devices_behind(name).front();
  m_lab.set_fault(device, "refuse");
  BastionConnection bastion(m_jump_hosts.at(name), test::quick_limits(), m_verifier);
  ASSERT_NO_FATAL_FAILURE(expect_open(bastion));
  const FetchResult result = fetch(device, &bastion, test::quick_limits());
  EXPECT_EQ(result.outcome.kind, OutcomeKind::connect) << result.outcome.message;
  // Whether the bastion answers the channel open with a failure or opens it and then sees
  // the device close depends on timing (both happen with OpenSSH's sshd too): either way the
  // device, not the bastion, is at fault.
  EXPECT_THAT(result.outcome.message, ::testing::AnyOf(::testing::HasSubstr("the tunnel closed before the SSH banner"),
                                                       ::testing::HasSubstr("refused the tunnel to")));
  EXPECT_THAT(result.outcome.message, ::testing::HasSubstr(device.name));
  EXPECT_TRUE(bastion.alive());  // the bastion itself is fine
}

}  // namespace
}  // namespace nbsync::backup
