#include "daemon/service_notifier.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync::daemon {
namespace {

using namespace std::chrono_literals;
using ::testing::MatchesRegex;

// Saves the variables sd_notify and sd_watchdog_enabled read, and puts them back.
class SavedEnvironment {
public:
  SavedEnvironment() {
    for (auto& [name, value] : m_saved) {
      if (const char* current = std::getenv(name)) {
        value = current;
      }
    }
  }
  ~SavedEnvironment() {
    for (const auto& [name, value] : m_saved) {
      if (value) {
        setenv(name, value->c_str(), 1);
      } else {
        unsetenv(name);
      }
    }
  }

private:
  std::pair<const char*, std::optional<std::string>> m_saved[3] = {
      {"NOTIFY_SOCKET", std::nullopt}, {"WATCHDOG_USEC", std::nullopt}, {"WATCHDOG_PID", std::nullopt}};
};

// A datagram socket standing in for systemd's notification socket.
class FakeSystemd {
public:
  explicit FakeSystemd(const std::filesystem::path& path) : m_path(path.string()) {
    m_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    m_path.copy(address.sun_path, sizeof address.sun_path - 1);
    if (m_fd < 0 || bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind the fake notify socket " + m_path);
    }
  }
  ~FakeSystemd() { close(m_fd); }
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;

  const std::string& path() const { return m_path; }

  // The next datagram, or nullopt when none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = 2s) {
    pollfd pfd{m_fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(timeout.count())) != 1) {
      return std::nullopt;
    }
    char buffer[4096];
    const auto n = recv(m_fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      return std::nullopt;
    }
    return std::string(buffer, static_cast<std::size_t>(n));
  }

private:
  std::string m_path;
  int m_fd = -1;
};

class ServiceNotifierTest : public ::testing::Test {
protected:
  SavedEnvironment environment;
  test::TempDir dir;
  FakeSystemd systemd{dir / "notify"};
};

TEST_F(ServiceNotifierTest, SendsEachStateToTheNotifySocket) {
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  ServiceNotifier notifier;
  ASSERT_TRUE(notifier.enabled());

  EXPECT_TRUE(notifier.ready());
  EXPECT_EQ(systemd.receive(), "READY=1");
  EXPECT_TRUE(notifier.status("cycle 3: 812/1200 devices"));
  EXPECT_EQ(systemd.receive(), "STATUS=cycle 3: 812/1200 devices");
  EXPECT_TRUE(notifier.watchdog());
  EXPECT_EQ(systemd.receive(), "WATCHDOG=1");
  EXPECT_TRUE(notifier.reloading());
  EXPECT_THAT(systemd.receive().value_or(""), MatchesRegex("RELOADING=1\nMONOTONIC_USEC=[0-9]+"));
  EXPECT_TRUE(notifier.stopping());
  EXPECT_EQ(systemd.receive(), "STOPPING=1");
}

TEST_F(ServiceNotifierTest, StatusCannotSmuggleAnotherAssignment) {
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  ServiceNotifier notifier;
  EXPECT_TRUE(notifier.status("device r1 said\nREADY=1"));
  EXPECT_EQ(systemd.receive(), "STATUS=device r1 said READY=1");
}

TEST_F(ServiceNotifierTest, WithoutNotifySocketEveryCallIsANoOp) {
  unsetenv("NOTIFY_SOCKET");
  ServiceNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_FALSE(notifier.status("x"));
  EXPECT_FALSE(notifier.reloading());
  EXPECT_FALSE(notifier.watchdog());
  EXPECT_FALSE(notifier.stopping());
  setenv("NOTIFY_SOCKET", systemd.path().c_str(), 1);
  EXPECT_FALSE(notifier.ready()) << "NOTIFY_SOCKET is read once, at construction";
  EXPECT_EQ(systemd.receive(100ms), std::nullopt);
}

TEST_F(ServiceNotifierTest, AGoneSocketIsReportedNotThrown) {
  setenv("NOTIFY_SOCKET", (dir / "no-such-socket").c_str(), 1);
  ServiceNotifier notifier;
  EXPECT_TRUE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_FALSE(notifier.watchdog());
}

TEST_F(ServiceNotifierTest, WatchdogIntervalIsForThisProcessOnly) {
  unsetenv("WATCHDOG_USEC");
  unsetenv("WATCHDOG_PID");
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::nullopt);
  EXPECT_EQ(ServiceNotifier::watchdog_ping_interval(), std::nullopt);

  setenv("WATCHDOG_USEC", "30000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::chrono::microseconds(30000000));
  EXPECT_EQ(ServiceNotifier::watchdog_ping_interval(), std::chrono::microseconds(15000000));

  unsetenv("WATCHDOG_PID");  // no PID: the variable is meant for us
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::chrono::microseconds(30000000));

  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::nullopt) << "another process's watchdog";

  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  setenv("WATCHDOG_USEC", "soon", 1);
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::nullopt) << "unparsable";
  setenv("WATCHDOG_USEC", "0", 1);
  EXPECT_EQ(ServiceNotifier::watchdog_interval(), std::nullopt);
}

}  // namespace
}  // namespace nbsync::daemon
