// Each site's AAA server (issue 17) over real SSH: it answers at most its rate of logins a
// second; a login beyond it queues, and one whose answer would come after the device's AAA
// timeout fails at the timeout. Only lower bounds on times (a loaded 2-core box makes
// everything slower, never faster), and counts from DeviceLab::counters().
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int k_auth_ms = 200;
constexpr int k_aaa_timeout_ms = 1500;

// Devices 1-4 at site "ams1", the others at "fra1".
std::vector<lab::SimulatedDevice> sited_devices() {
  auto devices = platform_devices();
  for (auto& d : devices) {
    d.site = d.id <= 4 ? "ams1" : "fra1";
  }
  return devices;
}

// One login a second per site, answered in k_auth_ms, k_aaa_timeout_ms to answer.
lab::DeviceLabOptions aaa_options(TempDir& dir) {
  auto o = test_options();
  o.timing = dir.write("timing.toml", "[aaa]\nlogins_per_second = [1, 1]\n[default]\nauth_ms = [" +
                                          std::to_string(k_auth_ms) + ", " + std::to_string(k_auth_ms) +
                                          "]\naaa_timeout_ms = " + std::to_string(k_aaa_timeout_ms) + "\n")
                 .string();
  return o;
}

struct Login {
  bool accepted = false;
  milliseconds took{};
};

// Password logins to `ids`, all at once once every client is connected. Each login's time
// counts from one start taken before any is sent: a thread that starts late must not hide
// the wait for a turn an earlier login took before that thread's own clock started.
std::vector<Login> logins_at_once(const lab::DeviceLab& lab, const std::vector<std::int64_t>& ids) {
  std::vector<std::unique_ptr<SshTestClient>> clients;
  for (const auto id : ids) {
    clients.push_back(connect(lab, id));
  }
  std::vector<std::future<Login>> running;
  const auto start = Clock::now();
  for (auto& c : clients) {
    running.push_back(std::async(std::launch::async, [client = c.get(), start] {
      Login login;
      login.accepted = client->password(k_user, k_password);
      login.took = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
      return login;
    }));
  }
  std::vector<Login> done;
  for (auto& f : running) {
    done.push_back(f.get());
  }
  return done;
}

TEST(AaaOverSsh, LoginsBeyondTheSiteRateQueueThenFailAtTheAaaTimeout) {
  TempDir dir;
  lab::DeviceLab lab(aaa_options(dir), sited_devices());
  const auto logins = logins_at_once(lab, {1, 2, 3, 6});
  int accepted = 0;
  int refused = 0;
  milliseconds slowest_accepted{};
  for (std::size_t i = 0; i < 3; ++i) {  // the three at ams1
    if (logins[i].accepted) {
      ++accepted;
      slowest_accepted = std::max(slowest_accepted, logins[i].took);
    } else {
      ++refused;
      EXPECT_GE(logins[i].took, milliseconds(k_aaa_timeout_ms)) << "a refusal at the AAA timeout, not at once";
    }
  }
  EXPECT_EQ(accepted, 2);
  EXPECT_EQ(refused, 1) << "the third login's turn would come 2 s later, after the 1.5 s timeout";
  EXPECT_GE(slowest_accepted, milliseconds(1000 + k_auth_ms)) << "the second login waits its turn";
  EXPECT_TRUE(logins[3].accepted) << "another site's AAA server is not busy";

  const auto counters = lab.counters();
  const auto& ams = counters["sites"]["ams1"];
  EXPECT_EQ(ams["logins"], 2) << counters.dump();
  EXPECT_EQ(ams["aaa_waits"], 2) << counters.dump();
  EXPECT_EQ(ams["aaa_timeouts"], 1) << counters.dump();
  EXPECT_EQ(ams["peak_sessions"], 3) << counters.dump();
  EXPECT_EQ(ams["aaa_logins_per_second"], 1.0) << counters.dump();
  EXPECT_EQ(counters["sites"]["fra1"]["logins"], 1) << counters.dump();
  EXPECT_EQ(counters["sites"]["fra1"]["aaa_waits"], 0) << counters.dump();
  lab.reset_counters();
  EXPECT_EQ(lab.counters()["sites"]["ams1"]["logins"], 0);
}

TEST(AaaOverSsh, TheLabOptionSetsEverySiteRateWithoutTiming) {
  auto o = test_options();
  o.aaa_logins_per_second = 1;  // --aaa-logins-per-second 1; --timing none
  lab::DeviceLab lab(o, sited_devices());
  const auto logins = logins_at_once(lab, {1, 2});
  EXPECT_TRUE(logins[0].accepted && logins[1].accepted) << "the second waits 1 s of the 5 s default timeout";
  EXPECT_GE(std::max(logins[0].took, logins[1].took), milliseconds(1000));
  EXPECT_EQ(lab.counters()["sites"]["ams1"]["aaa_waits"], 1);
}

TEST(AaaOverSsh, PublicKeyLoginsWaitForTheAaaServerToo) {
  TempDir dir;
  ssh_key key = nullptr;
  auto o = aaa_options(dir);
  o.authorized_key_file = write_authorized_key(dir, key);
  lab::DeviceLab lab(o, sited_devices());
  auto c = connect(lab, 1);
  const auto start = Clock::now();
  EXPECT_TRUE(c->public_key(k_user, key));
  EXPECT_GE(Clock::now() - start, milliseconds(k_auth_ms));
  EXPECT_EQ(lab.counters()["sites"]["ams1"]["logins"], 1);
  ssh_key_free(key);
}

TEST(AaaOverSsh, CountsThePeakSessionsOfADevice) {
  lab::DeviceLab lab(test_options(), sited_devices());
  {
    auto first = connect(lab, 1);
    auto second = connect(lab, 1);
    EXPECT_TRUE(first->password(k_user, k_password));
    EXPECT_TRUE(second->password(k_user, k_password));
    auto other = connect(lab, 2);
  }
  const auto counters = lab.counters();
  EXPECT_EQ(counters["peak_sessions_per_device"]["max"], 2) << counters.dump();
  EXPECT_EQ(counters["peak_sessions_per_device"]["devices_over_one"], nlohmann::json({{"1", 2}})) << counters.dump();
  EXPECT_EQ(counters["sites"]["ams1"]["peak_sessions"], 3) << counters.dump();
  lab.reset_counters();
  EXPECT_TRUE(lab.counters()["peak_sessions_per_device"]["devices_over_one"].empty());
}

}  // namespace
}  // namespace nbsync::test
