// The device lab as its own process (nbsync-lab-devices-server): one command starts the
// workers, prints the ready line, serves SSH and the control API, and SIGTERM stops every
// worker process with it.
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <cerrno>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/process.hpp"

namespace nbsync::test {
namespace {

TEST(DeviceLabServer, ReadyLineSshAndCleanStop) {
  ChildProcess lab(
      {std::string(NBSYNC_BINARY_DIR) + "/lab/devices/nbsync-lab-devices-server", "--devices", "40", "--seed", "3",
       "--ssh-port", "0", "--keyboard-interactive-share", "0", "--devices-per-worker", "15"},
      "ready ");
  const auto api = lab.ready_value("api");
  const auto port = static_cast<std::uint16_t>(std::stoi(lab.ready_value("ssh_port")));
  EXPECT_EQ(api.rfind("http://127.0.0.1:", 0), 0U);
  EXPECT_NE(port, 0);
  httplib::Client http(api);
  const auto stats = http.Get("/lab/ssh");
  ASSERT_TRUE(stats);
  const auto j = nlohmann::json::parse(stats->body);
  std::vector<pid_t> workers;
  for (const auto& w : j["workers"]) {
    workers.push_back(w["pid"].get<pid_t>());
  }
  EXPECT_GE(workers.size(), 2U);
  int logged_in = 0;
  for (int id = 1; id <= 40 && logged_in < 3; ++id) {
    const auto state = http.Get("/lab/devices/" + std::to_string(id) + "/ssh");
    if (!state || state->status != 200) {
      continue;
    }
    const auto d = nlohmann::json::parse(state->body);
    if (!d["served"].get<bool>() || !d["faults"].empty()) {
      continue;
    }
    SshTestClient c(d["address"].get<std::string>(), port);
    EXPECT_EQ(c.host_key_fingerprint(), d["host_key_fingerprint"]);
    EXPECT_TRUE(c.password(k_user, k_password)) << id;
    ++logged_in;
  }
  EXPECT_EQ(logged_in, 3);
  EXPECT_EQ(lab.stop(), 0) << lab.stderr_text();
  for (const pid_t pid : workers) {
    EXPECT_EQ(::kill(pid, 0), -1) << "worker " << pid << " outlived the lab";
    EXPECT_EQ(errno, ESRCH);
  }
}

}  // namespace
}  // namespace nbsync::test
