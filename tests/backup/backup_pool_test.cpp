// The worker pool against the real lab's SSH devices: every device submitted is reported
// once, from several threads at once, and a device whose key does not match is refused
// before login. Runs under ThreadSanitizer in scripts/sanitize.
#include "backup/backup_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "inventory/netbox_device.hpp"
#include "tests/support/lab.hpp"

namespace nbsync::backup {
namespace {

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

TEST(BackupPool, EveryDeviceIsReportedOnceFromManyWorkers) {
  test::Lab lab(40, 42);
  const auto profiles = ProfileRegistry::shipped();
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
  ASSERT_GE(jobs.size(), 10u);
  const std::int64_t refused = jobs.front().device.id;
  CountingVerifier verifier({refused});
  const CredentialBook credentials({"netops", Secret("lab-password", "test"), "", Secret("lab-enable-secret", "test")},
                                   {});
  PoolOptions options;
  options.workers = 8;
  options.retries = 0;
  options.limits.connect_timeout = std::chrono::seconds(5);
  options.limits.login_timeout = std::chrono::seconds(10);
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

}  // namespace
}  // namespace nbsync::backup
