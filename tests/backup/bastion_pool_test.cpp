// The pool backing up a lab fleet whose sites sit behind SSH bastions (nbsync-lab
// --bastion-sites): every device is reached through its bastion (the chained site through
// two), one connection per bastion carries all its devices, a bastion's session cap holds,
// a failing bastion is dialed once for all the devices behind it and each of their
// outcomes names it, and a device NetBox sends to an unknown bastion is skipped with what
// to do. Runs under ThreadSanitizer in scripts/sanitize.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "backup/backup_pool.hpp"
#include "tests/backup/session_lab.hpp"

namespace nbsync::backup {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// Trusts every key; remembers which ids were asked about. Thread-safe.
class RecordingVerifier : public HostKeyVerifier {
public:
  HostKeyVerdict verify(const inventory::Device& device, const HostKey&) override {
    std::lock_guard lock(m_mutex);
    m_asked.insert(device.id);
    return HostKeyVerdict::trusted;
  }
  bool asked(std::int64_t id) const {
    std::lock_guard lock(m_mutex);
    return m_asked.count(id) != 0;
  }

private:
  mutable std::mutex m_mutex;
  std::set<std::int64_t> m_asked;
};

class BastionPool : public ::testing::Test {
protected:
  BastionPool() : m_lab({"--bastion-sites", "0.5"}) {
    std::map<std::string, std::string> behind;
    for (const auto& entry : m_lab.bastions()) {
      auto jump_host = std::make_shared<JumpHost>();
      jump_host->name = entry["name"].get<std::string>();
      jump_host->address = entry["address"].get<std::string>();
      jump_host->port = entry["port"].get<std::uint16_t>();
      jump_host->credentials = {entry["user"].get<std::string>(), Secret("jump-password", "test"), "", Secret()};
      if (!entry["behind"].is_null()) {
        behind[jump_host->name] = entry["behind"].get<std::string>();
      }
      m_jump_hosts[jump_host->name] = jump_host;
    }
    for (const auto& device : m_lab.devices()) {
      if (ProfileRegistry::shipped().find(device.platform)) {
        m_devices.push_back(device);  // the lab's devices nbsync ships a profile for
      }
    }
    for (const auto& [inner, outer] : behind) {
      m_jump_hosts.at(inner)->via = m_jump_hosts.at(outer);
      m_inner = inner;
      m_outer_of_inner = outer;
    }
  }

  // Every jump host of the lab, each capped at `sessions`; devices routed by NetBox's field.
  JumpHostRoutes routes(int sessions) const {
    std::vector<JumpHostRule> rules;
    for (const auto& [name, jump_host] : m_jump_hosts) {
      rules.push_back({jump_host, {}, sessions});
    }
    return JumpHostRoutes(std::move(rules));
  }

  PoolOptions options(int sessions) const {
    PoolOptions options;
    options.workers = 8;
    options.retries = 0;
    options.limits = test::quick_limits();
    options.jump_hosts = routes(sessions);
    options.site_logins_per_second = 0;  // the lab here has no AAA rate: logins go unpaced
    return options;
  }

  // Backs up every device the lab simulates; the results by device id.
  // `on_result` sees each result first, on the worker that made it.
  std::map<std::int64_t, BackupResult> run(const PoolOptions& options, HostKeyVerifier& verifier,
                                           std::vector<ScopeLimitState>* states = nullptr,
                                           const std::function<void(const BackupResult&)>& on_result = {}) {
    std::mutex mutex;
    std::map<std::int64_t, BackupResult> results;
    const CredentialBook credentials(test::lab_credentials(), {});
    BackupPool pool(options, credentials, verifier, [&](BackupResult&& result) {
      if (on_result) {
        on_result(result);
      }
      std::lock_guard lock(mutex);
      results.emplace(result.device.id, std::move(result));
    });
    for (const auto& device : m_devices) {
      pool.submit({device, std::shared_ptr<const PlatformProfile>(&m_lab.profile(device.platform), [](auto*) {})});
    }
    pool.finish();
    if (states != nullptr) {
      *states = pool.scope_states();
    }
    return results;
  }

  // The jump host state the pool reported for `name`.
  static ScopeLimitState state_of(const std::vector<ScopeLimitState>& states, const std::string& name) {
    for (const auto& state : states) {
      if (state.scope == "jump host " + name) {
        return state;
      }
    }
    throw std::runtime_error("the pool reported no state for jump host " + name);
  }

  test::SessionLab m_lab;
  std::vector<inventory::Device> m_devices;
  std::map<std::string, std::shared_ptr<JumpHost>> m_jump_hosts;
  std::string m_inner;
  std::string m_outer_of_inner;
};

TEST_F(BastionPool, EveryDeviceIsReachedThroughItsBastionsOverOneConnectionEach) {
  RecordingVerifier verifier;
  std::vector<ScopeLimitState> states;
  const auto results = run(options(2), verifier, &states);
  ASSERT_EQ(results.size(), m_devices.size());
  std::map<std::string, int> behind;
  for (const auto& device : m_devices) {
    const auto& result = results.at(device.id);
    EXPECT_EQ(result.outcome.kind, OutcomeKind::ok) << result.outcome.message;
    EXPECT_FALSE(result.config.text.empty()) << device.name;
    ++behind[device.jump_host];
  }
  ASSERT_GT(behind[m_inner], 0) << "the chained site has devices";
  for (const auto& [name, jump_host] : m_jump_hosts) {
    SCOPED_TRACE(name);
    const auto counters = m_lab.bastion_counters(name);
    EXPECT_EQ(counters["connections"], 1) << "one connection carries every device behind it";
    EXPECT_EQ(counters["logins"], 1);
    EXPECT_TRUE(verifier.asked(jump_host_key_owner(name))) << "its host key was checked under its own id";
    const auto state = state_of(states, name);
    EXPECT_LE(state.peak_sessions, 2) << "device sessions through it at once";
    // An outer bastion also carries the sessions to its inner one's devices.
    const int through = behind[name] + (name == m_outer_of_inner ? behind[m_inner] : 0);
    EXPECT_EQ(state.logins, static_cast<std::uint64_t>(through));
  }
  // The chained site's sessions are channels of the inner bastion's connection, which is
  // itself one tunnel through the outer bastion.
  EXPECT_EQ(m_lab.bastion_counters(m_outer_of_inner)["forwards"], behind[m_outer_of_inner] + 1);
  EXPECT_EQ(m_lab.bastion_counters(m_inner)["forwards"], behind[m_inner]);
}

TEST_F(BastionPool, AFailingBastionIsDialedOnceAndEveryDeviceBehindItNamesIt) {
  const std::string failing = m_outer_of_inner;
  m_lab.set_bastion_fault(failing, "auth_failure");
  RecordingVerifier verifier;
  PoolOptions retrying = options(8);
  retrying.retries = 2;
  retrying.retry_base = 10ms;
  retrying.retry_cap = 20ms;
  const auto results = run(retrying, verifier);
  int failed = 0;
  for (const auto& device : m_devices) {
    const auto& outcome = results.at(device.id).outcome;
    if (device.jump_host != failing && device.jump_host != m_inner) {
      EXPECT_EQ(outcome.kind, OutcomeKind::ok) << outcome.message;
      EXPECT_EQ(outcome.jump_host, "");
      continue;
    }
    ++failed;  // behind it, or behind the inner bastion it fronts
    EXPECT_EQ(outcome.kind, OutcomeKind::auth) << outcome.message;
    EXPECT_EQ(outcome.jump_host, failing);
    EXPECT_THAT(outcome.message, HasSubstr(device.name + " (" + device.address));
    EXPECT_THAT(outcome.message, HasSubstr("not reached, its bastion "));
    EXPECT_THAT(outcome.message, HasSubstr("bastion " + failing));
    EXPECT_THAT(outcome.message, Not(HasSubstr("jump-password")));
  }
  EXPECT_GT(failed, 1);
  EXPECT_EQ(m_lab.bastion_counters(failing)["connections"], 1) << "dialed once for every device behind it";
}

TEST_F(BastionPool, AHangingBastionIsRetriedOnlyAfterItsPauseAndItsDevicesFailAtOnceMeanwhile) {
  const std::string failing = m_outer_of_inner;
  m_lab.set_bastion_fault(failing, "hang");
  RecordingVerifier verifier;
  PoolOptions retrying = options(8);
  retrying.limits.connect_timeout = 1s;
  retrying.retries = 2;
  retrying.retry_base = 10ms;
  retrying.retry_cap = 20ms;
  const auto started = std::chrono::steady_clock::now();
  const auto results = run(retrying, verifier);
  int failed = 0;
  for (const auto& device : m_devices) {
    const auto& outcome = results.at(device.id).outcome;
    if (device.jump_host == failing || device.jump_host == m_inner) {
      // The chained site's inner bastion is reached through the hanging one.
      ++failed;
      EXPECT_EQ(outcome.kind, OutcomeKind::timeout) << outcome.message;
      EXPECT_EQ(outcome.jump_host, failing) << outcome.message;
      EXPECT_EQ(outcome.attempts, 3) << "retried, each time told at once";
    }
  }
  EXPECT_GT(failed, 2);
  EXPECT_EQ(m_lab.bastion_counters(failing)["connections"], 1) << "one dial, then its pause";
  // Dialed once per device and try, its devices would take failed x 3 connect timeouts.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(failed));
}

TEST_F(BastionPool, ABastionThatRefusesToForwardFailsItsDevicesAndTheChainBehindIt) {
  const std::string failing = m_outer_of_inner;
  m_lab.set_bastion_fault(failing, "forwarding_refused");
  RecordingVerifier verifier;
  const auto results = run(options(8), verifier);
  for (const auto& device : m_devices) {
    const auto& outcome = results.at(device.id).outcome;
    if (device.jump_host == failing || device.jump_host == m_inner) {
      EXPECT_EQ(outcome.kind, OutcomeKind::connect) << outcome.message;
      EXPECT_EQ(outcome.jump_host, failing) << "its policy refuses every device, the inner bastion too";
      EXPECT_THAT(outcome.message, HasSubstr("administratively prohibited"));
    } else {
      EXPECT_EQ(outcome.kind, OutcomeKind::ok) << outcome.message;
    }
  }
  EXPECT_EQ(m_lab.bastion_counters(failing)["connections"], 1) << "logged in once; only its tunnels fail";
}

// A bastion that cuts its connection mid-cycle (a reboot, a firewall forgetting an idle
// flow): nbsync notices, dials it again for the devices still to do, and every device behind
// it is backed up; the other bastions keep their one connection.
TEST_F(BastionPool, ABastionConnectionCutMidCycleIsDialedAgainForTheDevicesLeft) {
  // The chained site's inner bastion: its connection rides a tunnel of the outer one,
  // which stays up, so the new connection is a new tunnel through the same outer session.
  const std::string cut = m_inner;
  int behind_cut = 0;
  for (const auto& device : m_devices) {
    behind_cut += device.jump_host == cut ? 1 : 0;
  }
  ASSERT_GE(behind_cut, 2) << "the cut must fall between two of its devices";
  RecordingVerifier verifier;
  PoolOptions serial = options(8);
  serial.workers = 1;  // one device at a time: the cut falls after the first one behind it
  serial.retries = 1;  // the next device may ask before nbsync has noticed the cut
  serial.retry_base = 10ms;
  serial.retry_cap = 20ms;
  std::atomic<int> dropped{-1};
  const auto results = run(serial, verifier, nullptr, [&](const BackupResult& result) {
    if (result.device.jump_host == cut && dropped < 0) {
      dropped = m_lab.drop_bastion_connections(cut);
    }
  });
  EXPECT_EQ(dropped, 1) << "the one connection that carried the first device";
  for (const auto& device : m_devices) {
    EXPECT_EQ(results.at(device.id).outcome.kind, OutcomeKind::ok) << results.at(device.id).outcome.message;
  }
  EXPECT_EQ(m_lab.bastion_counters(cut)["logins"], 2) << "dialed again once, not once per device";
  for (const auto& [name, jump_host] : m_jump_hosts) {
    if (name != cut) {
      EXPECT_EQ(m_lab.bastion_counters(name)["logins"], 1) << name;
    }
  }
}

TEST_F(BastionPool, ADeviceNetboxSendsToAnUnknownJumpHostIsSkippedWithWhatToDo) {
  RecordingVerifier verifier;
  PoolOptions without_inner = options(4);
  std::vector<JumpHostRule> rules;
  for (const auto& rule : without_inner.jump_hosts.rules()) {
    if (rule.jump_host->name != m_inner) {
      rules.push_back(rule);
    }
  }
  without_inner.jump_hosts = JumpHostRoutes(std::move(rules));
  const auto results = run(without_inner, verifier);
  int skipped = 0;
  for (const auto& device : m_devices) {
    const auto& outcome = results.at(device.id).outcome;
    if (device.jump_host == m_inner) {
      ++skipped;
      EXPECT_EQ(outcome.kind, OutcomeKind::skipped);
      EXPECT_THAT(outcome.message, HasSubstr("NetBox names jump host '" + m_inner + "'"));
      EXPECT_THAT(outcome.message, HasSubstr("no [[ssh.jump_host]] in the config defines"));
    } else {
      EXPECT_EQ(outcome.kind, OutcomeKind::ok) << outcome.message;
    }
  }
  EXPECT_GT(skipped, 0);
  EXPECT_EQ(m_lab.bastion_counters(m_inner)["connections"], 0);
}

}  // namespace
}  // namespace nbsync::backup
