// Drives every device fault over real SSH and checks what a client observes (see
// lab/devices/FAULTS.md for what a correct client must conclude from it).
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/lab_devices/lab_fixture.hpp"

namespace nbsync::test {
namespace {

using lab::Fault;
using lab::fault_bit;
using Clock = std::chrono::steady_clock;

// A lab with the IOS device 1 carrying `faults`.
struct FaultLab {
  explicit FaultLab(std::uint32_t faults) : lab(test_options(), platform_devices()) { lab.set_faults(1, faults); }
  lab::DeviceLab lab;
};

// Logs into device 1 (IOS), enables, turns paging off, and sends show running-config.
std::unique_ptr<SshTestClient> ios_show_run(lab::DeviceLab& lab) {
  auto c = connect(lab, 1);
  open_shell(*c, "rtr-ios-01>");
  if (c->timed_out()) {
    throw std::runtime_error("no prompt");
  }
  ios_enable(*c, "rtr-ios-01");
  c->write("terminal length 0\n");
  c->read_until_suffix("rtr-ios-01#", 5s);
  c->write("show running-config\n");
  return c;
}

int raw_connect(std::uint32_t address, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(address);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    const int error = errno;
    ::close(fd);
    return -error;
  }
  return fd;
}

TEST(FaultOverSsh, RefuseMeansConnectionRefused) {
  FaultLab f(fault_bit(Fault::refuse));
  EXPECT_EQ(raw_connect(test_address(1), f.lab.ssh_port()), -ECONNREFUSED);
  EXPECT_GE(raw_connect(test_address(2), f.lab.ssh_port()), 0) << "other devices still listen";
  f.lab.set_faults(1, 0);
  const int fd = raw_connect(test_address(1), f.lab.ssh_port());
  EXPECT_GE(fd, 0) << "clearing the fault listens again";
  if (fd >= 0) {
    ::close(fd);
  }
}

TEST(FaultOverSsh, NoBannerAcceptsTcpButNeverSpeaks) {
  FaultLab f(fault_bit(Fault::no_banner));
  const int fd = raw_connect(test_address(1), f.lab.ssh_port());
  ASSERT_GE(fd, 0);
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(::poll(&p, 1, 1000), 0) << "the device sent something";
  ::close(fd);
  const auto start = Clock::now();
  EXPECT_THROW(connect(f.lab, 1, 1), std::runtime_error);
  EXPECT_GE(Clock::now() - start, 900ms);
}

TEST(FaultOverSsh, WrongPasswordRejectsTheRightOne) {
  FaultLab f(fault_bit(Fault::wrong_password));
  auto c = connect(f.lab, 1);
  EXPECT_FALSE(c->password(k_user, k_password));
  EXPECT_FALSE(c->keyboard_interactive(k_user, k_password));
}

TEST(FaultOverSsh, HostKeyRotatedPresentsAnotherKeyUntilCleared) {
  FaultLab f(0);
  const auto published = f.lab.device_state(1)["host_key_fingerprint"].get<std::string>();
  EXPECT_EQ(connect(f.lab, 1)->host_key_fingerprint(), published);
  f.lab.set_faults(1, fault_bit(Fault::host_key_rotated));
  const auto presented = connect(f.lab, 1)->host_key_fingerprint();
  EXPECT_NE(presented, published);
  EXPECT_EQ(presented, f.lab.device_state(1)["presented_host_key_fingerprint"].get<std::string>());
  f.lab.set_faults(1, 0);
  EXPECT_EQ(connect(f.lab, 1)->host_key_fingerprint(), published);
}

TEST(FaultOverSsh, HangAfterLoginPrintsNothing) {
  FaultLab f(fault_bit(Fault::hang_after_login));
  auto c = connect(f.lab, 1);
  ASSERT_TRUE(c->password(k_user, k_password));
  c->open_shell();
  c->write("\n");
  EXPECT_EQ(c->read_for(1000ms), "");
  EXPECT_FALSE(c->closed());
}

TEST(FaultOverSsh, HangMidConfigStopsWithoutEndOrPrompt) {
  FaultLab f(fault_bit(Fault::hang_mid_config));
  auto c = ios_show_run(f.lab);
  const auto out = c->read_for(1500ms);
  EXPECT_NE(out.find("Building configuration..."), std::string::npos);
  EXPECT_EQ(out.find("\nend\r\n"), std::string::npos);
  EXPECT_FALSE(out.ends_with("rtr-ios-01#"));
  EXPECT_FALSE(c->closed());
}

TEST(FaultOverSsh, TrickleSendsOutputSlowly) {
  FaultLab f(fault_bit(Fault::trickle));
  auto c = connect(f.lab, 1);
  ASSERT_TRUE(c->password(k_user, k_password));
  c->open_shell();
  const auto start = Clock::now();
  const auto out = c->read_for(1000ms);
  EXPECT_GT(out.size(), 0U);
  EXPECT_LT(out.size(), 4000U);  // 256 bytes per 100 ms at most
  EXPECT_GE(Clock::now() - start, 900ms);
}

TEST(FaultOverSsh, FloodNeverEnds) {
  FaultLab f(fault_bit(Fault::flood));
  const auto size = f.lab.current_config(1).output.size();
  auto c = ios_show_run(f.lab);
  const auto out = c->read_until([&](const std::string& s) { return s.size() > 4 * size + 2'000'000; }, 20s);
  EXPECT_FALSE(c->timed_out());
  EXPECT_EQ(out.find("\nend\r\n"), std::string::npos);
  EXPECT_FALSE(c->closed());
}

TEST(FaultOverSsh, CloseMidConfigDropsTheConnection) {
  FaultLab f(fault_bit(Fault::close_mid_config));
  auto c = ios_show_run(f.lab);
  const auto out = c->read_until([](const std::string&) { return false; }, 5s);
  EXPECT_TRUE(c->closed());
  EXPECT_FALSE(c->timed_out());
  EXPECT_NE(out.find("Building configuration..."), std::string::npos);
  EXPECT_EQ(out.find("\nend\r\n"), std::string::npos);
}

TEST(FaultOverSsh, IgnorePagingOffKeepsPaging) {
  FaultLab f(fault_bit(Fault::ignore_paging_off));
  auto c = ios_show_run(f.lab);
  const auto out = c->read_until(" --More-- ", 5s);
  EXPECT_FALSE(c->timed_out()) << out;
}

TEST(FaultOverSsh, WrongEnableSecretNeverEnables) {
  FaultLab f(fault_bit(Fault::wrong_enable_secret));
  auto c = connect(f.lab, 1);
  open_shell(*c, "rtr-ios-01>");
  c->write("enable\n");
  c->read_until("Password: ", 5s);
  std::string out;
  for (int i = 0; i < 3; ++i) {
    c->write(std::string(k_enable) + "\n");
    out += c->read_until(i < 2 ? "Password: " : "rtr-ios-01>", 5s);
  }
  EXPECT_NE(out.find("% Bad secrets"), std::string::npos) << out;
  EXPECT_EQ(out.find("rtr-ios-01#"), std::string::npos);
}

TEST(FaultOverSsh, HugeBannerComesBeforeThePromptAndTheConfigStillReads) {
  FaultLab f(fault_bit(Fault::huge_banner));
  auto c = connect(f.lab, 1);
  const auto banner = open_shell(*c, "\r\nrtr-ios-01>");
  ASSERT_FALSE(c->timed_out());
  EXPECT_GT(banner.size(), 256U * 1024U);
  ios_enable(*c, "rtr-ios-01");
  c->write("terminal length 0\nshow running-config\n");
  const auto out = c->read_until_suffix("\nend\r\n\r\nrtr-ios-01#", 10s);
  EXPECT_FALSE(c->timed_out());
}

TEST(FaultOverSsh, UnexpectedPromptShowsAMenu) {
  FaultLab f(fault_bit(Fault::unexpected_prompt));
  auto c = connect(f.lab, 1);
  const auto out = open_shell(*c, "Selection [1-3]: ");
  ASSERT_FALSE(c->timed_out());
  EXPECT_EQ(out.find("rtr-ios-01>"), std::string::npos);
  c->write("enable\n");
  EXPECT_NE(c->read_until_suffix("Selection [1-3]: ", 5s).find("Invalid selection."), std::string::npos);
}

TEST(FaultOverSsh, FaultMixFromOptionsIsSeeded) {
  auto options = test_options();
  options.faults = "refuse=0.5";
  std::vector<lab::SimulatedDevice> devices;
  for (std::int64_t id = 1; id <= 40; ++id) {
    devices.push_back({id, numbered("d", id), "cisco-ios", test_address(id)});
  }
  lab::DeviceLab a(options, devices);
  int refused = 0;
  for (std::int64_t id = 1; id <= 40; ++id) {
    const bool faulty = a.faults(id) == fault_bit(Fault::refuse);
    refused += faulty ? 1 : 0;
    const int fd = raw_connect(test_address(id), a.ssh_port());
    EXPECT_EQ(fd == -ECONNREFUSED, faulty) << id;
    if (fd >= 0) {
      ::close(fd);
    }
  }
  EXPECT_GT(refused, 8);
  EXPECT_LT(refused, 32);
}

}  // namespace
}  // namespace nbsync::test
