// The worker pool against the real lab's SSH devices: every device submitted is reported
// once, from several threads at once, and a device whose key does not match is refused
// before login. Runs under ThreadSanitizer in scripts/sanitize.
#include "backup/backup_pool.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "inventory/netbox_device.hpp"
#include "tests/support/device_selectors.hpp"
#include "tests/support/lab.hpp"

namespace nbsync::backup {
namespace {

using test::at_site;
using test::with_tag;

// Trusts every key, except for the devices it is told to refuse; counts what it was asked.
class CountingVerifier : public HostKeyVerifier {
public:
  explicit CountingVerifier(std::set<std::int64_t> refuse) : m_refuse(std::move(refuse)) {}
  HostKeyVerdict verify(const inventory::Device& device, const HostKey&) override {
    ++m_asked;
    return m_refuse.count(device.id) ? HostKeyVerdict::mismatch : HostKeyVerdict::trusted;
  }
  int asked() const { return m_asked.load(); }

private:
  std::set<std::int64_t> m_refuse;
  std::atomic<int> m_asked{0};
};

// A job for every active device the lab simulates on the four original platforms.
std::vector<BackupJob> lab_jobs(test::Lab& lab, const ProfileRegistry& profiles) {
  inventory::DeviceParseOptions parse;
  parse.default_port = static_cast<std::uint16_t>(lab.ssh_port());
  std::vector<BackupJob> jobs;
  for (const auto& object : lab.walk("/api/dcim/devices/?limit=100&exclude=config_context")) {
    const auto device = inventory::device_from_netbox(object, parse);
    const bool simulated = device.platform == "cisco-ios" || device.platform == "cisco-nxos" ||
                           device.platform == "arista-eos" || device.platform == "juniper-junos";
    if (simulated && !device.address.empty() && device.status == "active") {
      jobs.push_back({device, profiles.find(device.platform)});
    }
  }
  return jobs;
}

// The first `count` of lab_jobs().
std::vector<BackupJob> first_lab_jobs(test::Lab& lab, std::size_t count) {
  std::vector<BackupJob> jobs = lab_jobs(lab, ProfileRegistry::shipped());
  if (jobs.size() < count) {
    throw std::runtime_error("the lab simulates fewer devices than the test needs");
  }
  jobs.resize(count);
  return jobs;
}

CredentialBook lab_credentials() {
  return CredentialBook({"netops", Secret("lab-password", "test"), "", Secret("lab-enable-secret", "test")}, {});
}

PoolOptions quick_options(int workers) {
  PoolOptions options;
  options.workers = workers;
  options.retries = 0;
  options.limits.connect_timeout = std::chrono::seconds(5);
  options.limits.login_timeout = std::chrono::seconds(10);
  options.site_logins_per_second = 0;  // the lab here has no AAA rate: sites' logins go unpaced
  return options;
}

TEST(BackupPool, EveryDeviceIsReportedOnceFromManyWorkers) {
  test::Lab lab(40, 42);
  const auto profiles = ProfileRegistry::shipped();
  const std::vector<BackupJob> jobs = lab_jobs(lab, profiles);
  ASSERT_GE(jobs.size(), 10u);
  const std::int64_t refused = jobs.front().device.id;
  CountingVerifier verifier({refused});
  const CredentialBook credentials = lab_credentials();
  const PoolOptions options = quick_options(8);
  std::mutex mutex;
  std::map<std::int64_t, int> reported;
  std::map<std::int64_t, OutcomeKind> outcomes;
  {
    BackupPool pool(options, credentials, verifier, [&](BackupResult&& result) {
      std::lock_guard lock(mutex);
      ++reported[result.device.id];
      outcomes[result.device.id] = result.outcome.kind;
    });
    for (const auto& job : jobs) {
      pool.submit(job);
    }
    pool.finish();
  }
  EXPECT_EQ(reported.size(), jobs.size());
  for (const auto& [id, times] : reported) {
    EXPECT_EQ(times, 1) << "device " << id;
  }
  EXPECT_EQ(outcomes[refused], OutcomeKind::host_key_mismatch);
  for (const auto& job : jobs) {
    if (job.device.id != refused) {
      EXPECT_EQ(outcomes[job.device.id], OutcomeKind::ok) << "device " << job.device.id;
    }
  }
  EXPECT_EQ(verifier.asked(), static_cast<int>(jobs.size()));
}

// Holds each session in its host-key check for a while and records how many sessions were
// there at once for each device address and each site, when each check began, and the
// order in which devices were reported.
class OverlapVerifier : public HostKeyVerifier {
public:
  HostKeyVerdict verify(const inventory::Device& device, const HostKey&) override {
    {
      std::lock_guard lock(m_mutex);
      m_started.push_back(std::chrono::steady_clock::now());
      for (const auto& key : {device.address, "site:" + device.site}) {
        m_peak[key] = std::max(m_peak[key], ++m_open[key]);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::lock_guard lock(m_mutex);
    for (const auto& key : {device.address, "site:" + device.site}) {
      --m_open[key];
    }
    return HostKeyVerdict::trusted;
  }
  int peak(const std::string& key) {
    std::lock_guard lock(m_mutex);
    return m_peak[key];
  }
  // From the first session's check to the last one's.
  std::chrono::milliseconds span() {
    std::lock_guard lock(m_mutex);
    const auto [first, last] = std::minmax_element(m_started.begin(), m_started.end());
    return std::chrono::duration_cast<std::chrono::milliseconds>(*last - *first);
  }

private:
  std::mutex m_mutex;
  std::map<std::string, int> m_open, m_peak;
  std::vector<std::chrono::steady_clock::time_point> m_started;
};

// Runs `jobs` through a pool and returns the ids in the order they were reported; every
// outcome must be ok.
std::vector<std::int64_t> run_pool(const std::vector<BackupJob>& jobs, const PoolOptions& options,
                                   HostKeyVerifier& verifier) {
  const CredentialBook credentials = lab_credentials();
  std::mutex mutex;
  std::vector<std::int64_t> reported;
  {
    BackupPool pool(options, credentials, verifier, [&](BackupResult&& result) {
      EXPECT_EQ(result.outcome.kind, OutcomeKind::ok) << result.device.name << ": " << result.outcome.message;
      std::lock_guard lock(mutex);
      reported.push_back(result.device.id);
    });
    for (const auto& job : jobs) {
      pool.submit(job);
    }
    pool.finish();
  }
  EXPECT_EQ(reported.size(), jobs.size());
  return reported;
}

std::size_t position(const std::vector<std::int64_t>& ids, std::int64_t id) {
  return static_cast<std::size_t>(std::find(ids.begin(), ids.end(), id) - ids.begin());
}

// What a pool run left behind: every result in the order reported, and the pool's states.
struct PoolRun {
  std::vector<BackupResult> results;
  std::vector<ScopeLimitState> scopes;
  MemoryBudgetState memory;
};

PoolRun run_collecting(const std::vector<BackupJob>& jobs, const PoolOptions& options, HostKeyVerifier& verifier) {
  const CredentialBook credentials = lab_credentials();
  std::mutex mutex;
  PoolRun run;
  BackupPool pool(options, credentials, verifier, [&](BackupResult&& result) {
    std::lock_guard lock(mutex);
    run.results.push_back(std::move(result));
  });
  for (const auto& job : jobs) {
    pool.submit(job);
  }
  pool.finish();
  run.scopes = pool.scope_states();
  run.memory = pool.memory_state();
  return run;
}

TEST(BackupPool, NeverTwoSessionsToOneDeviceWhileOthersGoOn) {
  test::Lab lab(40, 42);
  const auto profiles = ProfileRegistry::shipped();
  const std::vector<BackupJob> devices = lab_jobs(lab, profiles);
  ASSERT_GE(devices.size(), 3u);
  // Four NetBox records of one box (as a stack's members would be), then two other devices.
  std::vector<BackupJob> jobs;
  for (std::int64_t member = 0; member < 4; ++member) {
    BackupJob job = devices[0];
    job.device.id = 1'000'000 + member;
    jobs.push_back(job);
  }
  jobs.push_back(devices[1]);
  jobs.push_back(devices[2]);
  OverlapVerifier verifier;
  const auto reported = run_pool(jobs, quick_options(6), verifier);
  EXPECT_EQ(verifier.peak(devices[0].device.address), 1) << "sessions at once to the box with four records";
  // The box's records go one after another; the other devices do not wait behind them.
  EXPECT_LT(position(reported, devices[1].device.id), position(reported, 1'000'003));
  EXPECT_LT(position(reported, devices[2].device.id), position(reported, 1'000'003));
}

TEST(BackupPool, ASiteLimitCapsItsSessionsAndTheRestOfTheFleetPasses) {
  test::Lab lab(40, 42);
  std::vector<BackupJob> jobs = first_lab_jobs(lab, 12);
  // The first eight sit at one small site (submitted first, ahead of the rest), the last
  // four elsewhere.
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].device.site = i < 8 ? "small-site" : "big-site";
  }
  PoolOptions options = quick_options(10);
  options.scope_limits.push_back({at_site("small-site"), 2, 0});
  OverlapVerifier verifier;
  const auto reported = run_pool(jobs, options, verifier);
  EXPECT_LE(verifier.peak("site:small-site"), 2) << "sessions at once at the limited site";
  EXPECT_GT(verifier.peak("site:big-site"), 2) << "the other site is not held to the limit";
  // Eight devices two at a time take four rounds; the other site's four end in the first,
  // with the small site's first two.
  for (std::size_t i = 8; i < 12; ++i) {
    EXPECT_LT(position(reported, jobs[i].device.id), 6u) << jobs[i].device.name << " waited behind the small site";
  }
}

TEST(BackupPool, ALoginRateSpacesTheLoginsOfItsScope) {
  test::Lab lab(40, 42);
  std::vector<BackupJob> jobs = first_lab_jobs(lab, 6);
  for (auto& job : jobs) {
    job.device.tags = {"behind-old-tacacs"};
  }
  PoolOptions options = quick_options(6);
  options.scope_limits.push_back({with_tag("behind-old-tacacs"), 0, 10});
  OverlapVerifier limited;
  run_pool(jobs, options, limited);
  // Six logins at 10 a second: the last starts 0.5 s after the first (0.4 s allows for
  // the key exchanges' jitter), where six free workers start them together.
  EXPECT_GE(limited.span(), std::chrono::milliseconds(400));
}

TEST(BackupPool, AMemoryBudgetMakesSessionsWaitNeverFailAndBoundsTheBytesHeld) {
  test::Lab lab(40, 42);
  const std::vector<BackupJob> jobs = first_lab_jobs(lab, 16);
  PoolOptions options = quick_options(8);
  options.memory_budget = 1;  // every session past the oldest holder waits its turn
  options.limits.login_timeout = std::chrono::seconds(2);
  options.limits.command_idle_timeout = std::chrono::milliseconds(500);
  CountingVerifier verifier({});
  const PoolRun run = run_collecting(jobs, options, verifier);
  const auto& results = run.results;
  ASSERT_EQ(results.size(), jobs.size());
  std::size_t largest = 0;
  for (const auto& result : results) {
    EXPECT_EQ(result.outcome.kind, OutcomeKind::ok) << result.outcome.message << " (waiting is not the device's time)";
    largest = std::max(largest, result.bytes_read);
  }
  const auto& memory = run.memory;
  EXPECT_GT(memory.waits, 0u);
  EXPECT_EQ(memory.held, 0u) << "every byte went back";
  // One session at a time held bytes: at most the largest device's output and one read.
  EXPECT_LE(memory.peak, largest + 16384);
  EXPECT_GT(memory.peak, 0u);
}

TEST(BackupPool, ASmallFleetStartsOnlyTheWorkersItNeeds) {
  test::Lab lab(40, 42);
  const std::vector<BackupJob> jobs = first_lab_jobs(lab, 5);
  CountingVerifier verifier({});
  std::atomic<int> reported{0};
  const CredentialBook credentials = lab_credentials();
  BackupPool pool(quick_options(500), credentials, verifier, [&](BackupResult&&) { ++reported; });
  EXPECT_EQ(pool.threads_started(), 0u);
  for (const auto& job : jobs) {
    pool.submit(job);
  }
  EXPECT_GE(pool.threads_started(), 1u);
  EXPECT_LE(pool.threads_started(), jobs.size()) << "not the 500 a large fleet may use";
  pool.finish();
  EXPECT_EQ(reported.load(), 5);
}

TEST(BackupPool, ASiteWhoseLoginsStruggleTogetherBacksOffAndTheRestOfTheFleetPasses) {
  test::Lab lab(40, 42);
  std::vector<BackupJob> jobs = first_lab_jobs(lab, 20);
  // The first twelve sit at a site whose logins hang (its AAA cannot keep up); they are
  // submitted first, ahead of the other site's eight.
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    jobs[i].device.site = i < 12 ? "struggling" : "healthy";
    if (i < 12) {
      const auto reply = lab.send("POST", "/lab/devices/" + std::to_string(jobs[i].device.id) + "/faults",
                                  {{"faults", {"hang_after_login"}}});
      ASSERT_EQ(reply.status, 200) << reply.raw;
    }
  }
  PoolOptions options = quick_options(16);
  options.site_sessions_start = 8;
  options.limits.login_timeout = std::chrono::seconds(1);
  // A device read over exec hangs at its command instead: the same one second there.
  options.limits.command_idle_timeout = std::chrono::seconds(1);
  CountingVerifier verifier({});
  const PoolRun run = run_collecting(jobs, options, verifier);
  const auto& results = run.results;
  ASSERT_EQ(results.size(), jobs.size());
  std::size_t last_healthy = 0;
  std::size_t first_struggling = results.size();
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].device.site == "healthy") {
      EXPECT_EQ(results[i].outcome.kind, OutcomeKind::ok) << results[i].outcome.message;
      last_healthy = i;
    } else {
      EXPECT_EQ(results[i].outcome.kind, OutcomeKind::timeout) << results[i].outcome.message;
      first_struggling = std::min(first_struggling, i);
    }
  }
  EXPECT_LT(last_healthy, first_struggling) << "the healthy site did not wait behind the struggling one";
  std::map<std::string, ScopeLimitState> by_scope;
  for (const auto& state : run.scopes) {
    by_scope[state.scope] = state;
  }
  const auto& struggling = by_scope.at("site struggling");
  EXPECT_TRUE(struggling.adaptive);
  EXPECT_GE(struggling.backoffs, 1);
  EXPECT_LE(struggling.lowest_cap, 4) << "halved at least once from 8";
  EXPECT_EQ(struggling.peak_sessions, 8);
  EXPECT_EQ(by_scope.at("site healthy").backoffs, 0);
  EXPECT_GE(by_scope.at("site healthy").sessions_cap, 8) << "its window only grew";
}

}  // namespace
}  // namespace nbsync::backup
