// Device timing (issue 17) over real SSH: a timing file with fixed values, and a libssh
// client measuring that each wait happens. Only lower bounds (a loaded 2-core box makes
// everything slower, never faster), and the instant lab as the comparison.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/lab_devices/lab_fixture.hpp"

namespace nbsync::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int k_banner_ms = 300;
constexpr int k_auth_ms = 600;
constexpr int k_think_ms = 1000;
constexpr int k_bytes_per_s = 40000;

// A timing file where every device waits exactly the k_ values; two vty lines.
class TimedLab {
public:
  TimedLab() : m_file(std::filesystem::temp_directory_path() / numbered("nbsync-timing-test-", ::getpid())) {
    std::ofstream(m_file) << "[default]\nbanner_ms = [" << k_banner_ms << ", " << k_banner_ms << "]\nauth_ms = ["
                          << k_auth_ms << ", " << k_auth_ms << "]\nthink_ms = [" << k_think_ms << ", " << k_think_ms
                          << "]\noutput_bytes_per_s = [" << k_bytes_per_s << ", " << k_bytes_per_s
                          << "]\nvty_lines = 2\n";
    auto o = test_options();
    o.timing = m_file.string();
    lab = std::make_unique<lab::DeviceLab>(o, platform_devices());
  }
  ~TimedLab() {
    lab.reset();
    std::filesystem::remove(m_file);
  }
  TimedLab(const TimedLab&) = delete;
  TimedLab& operator=(const TimedLab&) = delete;

  std::unique_ptr<lab::DeviceLab> lab;

private:
  std::filesystem::path m_file;
};

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// Enabled IOS shell on device 1 with paging off.
void ios_ready(SshTestClient& c) {
  open_shell(c, "rtr-ios-01>");
  ios_enable(c, "rtr-ios-01");
  c.write("terminal length 0\n");
  c.read_until_suffix("rtr-ios-01#", 5s);
}

TEST(TimingOverSsh, DevicesReportTheirTiming) {
  TimedLab t;
  const auto timing = t.lab->timing(1);
  EXPECT_EQ(timing["banner_ms"], k_banner_ms);
  EXPECT_EQ(timing["auth_ms"], k_auth_ms);
  EXPECT_EQ(timing["think_ms"], k_think_ms);
  EXPECT_EQ(timing["vty_lines"], 2);
  auto o = test_options();
  lab::DeviceLab instant(o, platform_devices());
  EXPECT_EQ(instant.timing(1)["auth_ms"], 0);
  EXPECT_EQ(instant.timing(1)["model"], "none");
}

TEST(TimingOverSsh, BannerAndLoginWait) {
  TimedLab t;
  auto start = Clock::now();
  auto c = connect(*t.lab, 1);
  EXPECT_GE(since(start), milliseconds(k_banner_ms));
  start = Clock::now();
  EXPECT_TRUE(c->password(k_user, k_password));
  EXPECT_GE(since(start), milliseconds(k_auth_ms));
  auto refused = connect(*t.lab, 1);
  start = Clock::now();
  EXPECT_FALSE(refused->password(k_user, "wrong"));
  EXPECT_GE(since(start), milliseconds(k_auth_ms)) << "a refusal waits for the AAA server too";
}

TEST(TimingOverSsh, KeyboardInteractiveLoginWaits) {
  TimedLab t;
  auto c = connect(*t.lab, 1);
  const auto start = Clock::now();
  EXPECT_TRUE(c->keyboard_interactive(k_user, k_password));
  EXPECT_GE(since(start), milliseconds(k_auth_ms));
}

TEST(TimingOverSsh, ConfigWaitsForThinkTimeThenComesAtTheOutputRate) {
  TimedLab t;
  const auto bytes = t.lab->current_config(1).output.size();
  auto c = connect(*t.lab, 1);
  ios_ready(*c);
  const auto start = Clock::now();
  c->write("show running-config\n");
  c->read_until("Building configuration", 10s);
  const auto think = since(start);
  const auto out = c->read_until_suffix("rtr-ios-01#", 30s);
  ASSERT_FALSE(c->timed_out());
  EXPECT_NE(out.find("\nend\r\n"), std::string::npos);
  EXPECT_GE(think, milliseconds(k_think_ms));
  // The first paced write goes out at once: the rest takes (bytes - 16 KB) / rate at least.
  const auto paced_ms = static_cast<long>(bytes > 16384 ? (bytes - 16384) * 1000 / k_bytes_per_s : 0);
  EXPECT_GE(since(start), think + milliseconds(paced_ms * 9 / 10));
  c.reset();

  const auto deadline = Clock::now() + 5s;
  nlohmann::json report;
  do {  // the session ends on the server a moment after the client hangs up
    std::this_thread::sleep_for(50ms);
    report = t.lab->timing_report();
  } while (report["sessions"] == 0 && Clock::now() < deadline);
  ASSERT_EQ(report["sessions"], 1) << report.dump();
  const double floor = k_banner_ms + k_auth_ms + k_think_ms + 1000.0 * static_cast<double>(bytes) / k_bytes_per_s;
  EXPECT_NEAR(report["waited_ms"].get<double>(), floor, 0.05 * floor) << report.dump();
  EXPECT_EQ(report["platforms"]["cisco-ios"]["slowest_device"], 1);
  t.lab->reset_timing();
  EXPECT_EQ(t.lab->timing_report()["sessions"], 0);
}

TEST(TimingOverSsh, AllVtyLinesBusyRefusesTheConnection) {
  TimedLab t;
  auto first = connect(*t.lab, 1);
  auto second = connect(*t.lab, 1);
  try {
    connect(*t.lab, 1);
    ADD_FAILURE() << "a third session got a vty line";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("refused"), std::string::npos) << e.what();
  }
  EXPECT_EQ(t.lab->timing_report()["vty_lines_full"], 1);
  EXPECT_EQ(t.lab->timing_report()["peak_sessions_per_device"], 2);
  auto other_device = connect(*t.lab, 2);  // the limit is per device
  first.reset();
  std::unique_ptr<SshTestClient> third;
  const auto deadline = Clock::now() + 5s;
  while (!third && Clock::now() < deadline) {
    try {
      third = connect(*t.lab, 1);
    } catch (const std::runtime_error&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  EXPECT_TRUE(third) << "a freed vty line takes a new session";
}

}  // namespace
}  // namespace nbsync::test
