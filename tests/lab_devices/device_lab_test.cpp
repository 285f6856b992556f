// DeviceLab as a whole: authentication methods, host keys across restarts, the HTTP control
// routes, config changes, several worker processes, and 10,000 devices on 10,000 addresses.
#include "lab/devices/device_lab.hpp"

#include <gtest/gtest.h>
#include <httplib.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <thread>

#include "tests/lab_devices/lab_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {
namespace {

TEST(DeviceLabAuth, PublicKeyFromTheAuthorizedKeyFile) {
  TempDir dir;
  ssh_key key = nullptr;
  auto options = test_options();
  options.authorized_key_file = write_authorized_key(dir, key);
  lab::DeviceLab lab(options, platform_devices());
  {
    auto c = connect(lab, 1);
    EXPECT_TRUE(c->public_key(k_user, key));
  }
  ssh_key other = nullptr;
  ASSERT_EQ(ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &other), SSH_OK);
  {
    auto c = connect(lab, 1);
    EXPECT_FALSE(c->public_key(k_user, other));
    EXPECT_TRUE(c->password(k_user, k_password));
  }
  ssh_key_free(key);
  ssh_key_free(other);
}

TEST(DeviceLabAuth, KeyboardInteractiveOnlyDevicesRefusePasswords) {
  lab::DeviceLab lab(test_options(), platform_devices());
  lab.set_keyboard_interactive_only(4, true);
  {
    auto c = connect(lab, 4);
    EXPECT_FALSE(c->password(k_user, k_password));
    EXPECT_EQ(c->offered_methods(), SSH_AUTH_METHOD_INTERACTIVE);
    EXPECT_TRUE(c->keyboard_interactive(k_user, k_password));
  }
  {
    auto c = connect(lab, 4);
    EXPECT_FALSE(c->keyboard_interactive(k_user, "wrong"));
  }
}

TEST(DeviceLabAuth, SeededShareOfKeyboardInteractiveDevices) {
  auto options = test_options();
  options.keyboard_interactive_share = 0.25;
  std::vector<lab::SimulatedDevice> devices;
  for (std::int64_t id = 1; id <= 200; ++id) {
    devices.push_back({id, "", "cisco-ios", test_address(id)});
  }
  lab::DeviceLab lab(options, devices);
  int only = 0;
  for (std::int64_t id = 1; id <= 200; ++id) {
    only += lab.device_state(id)["keyboard_interactive_only"].get<bool>() ? 1 : 0;
  }
  EXPECT_GT(only, 25);
  EXPECT_LT(only, 80);
  EXPECT_EQ(lab.device_state(7)["hostname"], "device-7");
}

TEST(DeviceLabNames, NonAsciiAndBlankNamesBecomeTheHostname) {
  lab::DeviceLab lab(test_options(), {{600, "rtr-z\u00fcrich 1", "cisco-ios", test_address(600)},
                                      {601, "", "cisco-nxos", test_address(601)}});
  {
    auto c = connect(lab, 600);
    open_shell(*c, "rtr-z\u00fcrich-1>");
    EXPECT_FALSE(c->timed_out());
  }
  auto c = connect(lab, 601);
  open_shell(*c, "device-601# ");
  EXPECT_FALSE(c->timed_out());
}

TEST(DeviceLabHostKeys, StableAcrossRestartsWithAStateDirAndRotatable) {
  TempDir dir;
  auto options = test_options();
  options.state_dir = dir / "state";
  std::string first, rotated;
  {
    lab::DeviceLab lab(options, platform_devices());
    first = connect(lab, 2)->host_key_fingerprint();
    EXPECT_EQ(first, lab.device_state(2)["host_key_fingerprint"]);
    EXPECT_EQ(lab.new_config_version(2), 1U);
  }
  {
    lab::DeviceLab lab(options, platform_devices());
    EXPECT_EQ(connect(lab, 2)->host_key_fingerprint(), first);
    EXPECT_EQ(lab.device_state(2)["config_version"], 1);
    rotated = lab.rotate_host_key(2);
    EXPECT_NE(rotated, first);
    EXPECT_EQ(connect(lab, 2)->host_key_fingerprint(), rotated);
    EXPECT_NE(connect(lab, 3)->host_key_fingerprint(), first);
  }
  {
    lab::DeviceLab lab(options, platform_devices());
    EXPECT_EQ(connect(lab, 2)->host_key_fingerprint(), rotated);
  }
  auto other = test_options();
  other.state_dir = dir / "other-state";
  lab::DeviceLab lab(other, platform_devices());
  EXPECT_NE(connect(lab, 2)->host_key_fingerprint(), first);
}

TEST(DeviceLabConfig, NewVersionIsWhatTheDevicePrints) {
  lab::DeviceLab lab(test_options(), platform_devices());
  const auto before = lab.current_config(3);
  EXPECT_EQ(lab.new_config_version(3), 1U);
  const auto after = lab.current_config(3);
  EXPECT_NE(without_volatile(before.output, before.volatile_prefixes),
            without_volatile(after.output, after.volatile_prefixes));
  auto c = connect(lab, 3);
  ASSERT_TRUE(c->password(k_user, k_password));
  ASSERT_TRUE(c->start_exec("show running-config"));
  const auto out = c->read_until([](const std::string&) { return false; }, 10s);
  EXPECT_EQ(without_volatile(out, after.volatile_prefixes), without_volatile(after.output, after.volatile_prefixes));
}

TEST(DeviceLabConfig, ChangeRateMakesNewVersionsPeriodically) {
  auto options = test_options();
  options.change_rate = 1.0;
  options.change_every = 0.2;
  lab::DeviceLab lab(options, platform_devices());
  std::this_thread::sleep_for(700ms);
  EXPECT_GE(lab.device_state(1)["config_version"].get<int>(), 2);
}

TEST(DeviceLabWorkers, SpreadsDevicesOverWorkerProcessesAndAddsAndRemoves) {
  auto options = test_options();
  options.devices_per_worker = 50;
  std::vector<lab::SimulatedDevice> devices;
  for (std::int64_t id = 1; id <= 180; ++id) {
    devices.push_back({id, numbered("sw-", id), id % 2 == 0 ? "cisco-nxos" : "arista-eos", test_address(id)});
  }
  lab::DeviceLab lab(options, devices);
  const auto stats = lab.stats();
  ASSERT_EQ(stats["workers"].size(), 4U);
  for (const std::int64_t id : {1, 60, 120, 180}) {
    auto c = connect(lab, id);
    EXPECT_TRUE(c->password(k_user, k_password)) << id;
  }
  lab.add_device({500, "new-rtr", "cisco-ios", test_address(500)});
  {
    auto c = connect(lab, 500);
    open_shell(*c, "new-rtr>");
    EXPECT_FALSE(c->timed_out());
  }
  lab.add_device({500, "renamed-rtr", "cisco-ios", test_address(501)});
  {
    auto c = connect(lab, 501);  // the address of device 500 moved to test_address(501)
    open_shell(*c, "renamed-rtr>");
    EXPECT_FALSE(c->timed_out());
  }
  lab.remove_device(500);
  EXPECT_THROW(connect(lab, 501), std::runtime_error);
  {
    // An address someone else already listens on: add_device fails and leaves nothing behind.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(lab.ssh_port());
    a.sin_addr.s_addr = htonl(test_address(900));
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    try {
      lab.add_device({900, "taken", "cisco-ios", test_address(900)});
      ADD_FAILURE() << "add_device bound a busy address";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("cannot serve device 900"), std::string::npos) << e.what();
    }
    ::close(fd);
    EXPECT_THROW(lab.device_state(900), std::out_of_range);
    lab.add_device({900, "free-now", "cisco-ios", test_address(900)});
    EXPECT_EQ(lab.device_state(900)["hostname"], "free-now");
  }
  EXPECT_THROW(lab.device_state(500), std::out_of_range);
  EXPECT_THROW(lab.add_device({501, "dup", "cisco-ios", test_address(1)}), std::invalid_argument);
  std::uint64_t logins = 0;
  const auto after = lab.stats();
  for (const auto& w : after["workers"]) {
    logins += w["logins"].get<std::uint64_t>();
  }
  EXPECT_EQ(logins, 6U);
}

TEST(DeviceLabWorkers, RejectsDuplicateAddressesAndBusyPortsWithOneLine) {
  std::vector<lab::SimulatedDevice> devices = {{1, "a", "cisco-ios", test_address(1)},
                                               {2, "b", "cisco-ios", test_address(1)}};
  try {
    lab::DeviceLab lab(test_options(), devices);
    FAIL() << "duplicate address accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("share the address 127.77.0.1"), std::string::npos) << e.what();
  }
  lab::DeviceLab first(test_options(), platform_devices());
  auto options = test_options();
  options.ssh_port = first.ssh_port();
  try {
    lab::DeviceLab second(options, platform_devices());
    FAIL() << "second lab bound a busy port";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("Address already in use"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
  }
}

TEST(DeviceLabOptions, CommandLineAndLabConfigFile) {
  TempDir dir;
  const auto config =
      dir.write("lab.toml", "[ssh]\nuser = \"from-file\"\npassword = \"file-pass\"\nfaults = \"flood=1.0\"\n");
  CLI::App app;
  lab::DeviceLabOptions options;
  lab::add_device_lab_options(app, options);
  const std::string help = app.help();
  for (const char* flag : {"--ssh-port", "--user", "--password", "--enable-secret", "--authorized-key", "--lab-config",
                           "--faults", "--change-rate", "--change-every"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(help.find("2222"), std::string::npos);
  EXPECT_NE(help.find("lab-password"), std::string::npos);
  std::vector<std::string> args = {"--lab-config", config.string(), "--password", "cli-pass", "--ssh-port", "0"};
  std::reverse(args.begin(), args.end());
  app.parse(args);
  options.keyboard_interactive_share = 0;
  lab::DeviceLab lab(options, {{1, "r1", "cisco-ios", test_address(1)}});
  EXPECT_EQ(lab.device_state(1)["faults"], nlohmann::json({"flood"})) << "the fault mix comes from the file";
  auto c = connect(lab, 1);
  EXPECT_FALSE(c->password("netops", "cli-pass"));
  auto d = connect(lab, 1);
  EXPECT_TRUE(d->password("from-file", "cli-pass")) << "the command line wins, the file fills in the rest";
  lab::DeviceLabOptions bad_mix;
  bad_mix.ssh_port = 0;
  bad_mix.faults = "refuse=0.1,melt=0.1";
  try {
    lab::DeviceLab l(bad_mix, {});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--faults: unknown fault 'melt'", 0), 0U) << e.what();
  }
  auto bad = dir.write("bad.toml", "[ssh]\nusr = \"x\"\n");
  lab::DeviceLabOptions o2;
  o2.lab_config_file = bad.string();
  o2.ssh_port = 0;
  try {
    lab::DeviceLab l(o2, {});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown key [ssh].usr"), std::string::npos) << e.what();
  }
}

class DeviceLabRoutes : public ::testing::Test {
protected:
  void SetUp() override {
    m_lab = std::make_unique<lab::DeviceLab>(test_options(), platform_devices());  // forks before the HTTP thread
    m_lab->register_routes(m_server);
    m_port = m_server.bind_to_any_port("127.0.0.1");
    ASSERT_GT(m_port, 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
  }
  void TearDown() override {
    m_server.stop();
    if (m_thread.joinable()) {
      m_thread.join();
    }
    m_lab.reset();
  }
  httplib::Client client() { return httplib::Client("127.0.0.1", m_port); }

  std::unique_ptr<lab::DeviceLab> m_lab;
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
};

TEST_F(DeviceLabRoutes, TimingOfADeviceAndOfTheLab) {
  auto http = client();
  auto device = http.Get("/lab/devices/1/timing");
  ASSERT_TRUE(device);
  ASSERT_EQ(device->status, 200);
  EXPECT_EQ(nlohmann::json::parse(device->body)["model"], "none");
  EXPECT_EQ(nlohmann::json::parse(device->body)["auth_ms"], 0);
  EXPECT_EQ(http.Get("/lab/devices/999/timing")->status, 404);
  auto report = http.Get("/lab/timing");
  ASSERT_TRUE(report);
  ASSERT_EQ(report->status, 200);
  EXPECT_EQ(nlohmann::json::parse(report->body)["sessions"], 0);
  EXPECT_EQ(nlohmann::json::parse(report->body)["model"], "none");
  EXPECT_EQ(http.Delete("/lab/timing")->status, 200);
}

TEST_F(DeviceLabRoutes, StateFaultsConfigAndKeys) {
  auto http = client();
  auto state = http.Get("/lab/devices/1/ssh");
  ASSERT_TRUE(state);
  ASSERT_EQ(state->status, 200);
  const auto j = nlohmann::json::parse(state->body);
  EXPECT_EQ(j["address"], "127.77.0.1");
  EXPECT_EQ(j["ssh_port"], m_lab->ssh_port());
  EXPECT_EQ(j["config_version"], 0);
  EXPECT_EQ(j["host_key_fingerprint"].get<std::string>().rfind("SHA256:", 0), 0U);

  auto faults = http.Post("/lab/devices/1/faults", R"({"faults": ["trickle", "huge_banner"]})", "application/json");
  ASSERT_EQ(faults->status, 200);
  EXPECT_EQ(nlohmann::json::parse(faults->body)["faults"], nlohmann::json({"trickle", "huge_banner"}));
  auto bad = http.Post("/lab/devices/1/faults", R"({"faults": ["melt"]})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(nlohmann::json::parse(bad->body)["detail"].get<std::string>().find("unknown fault \"melt\""),
            std::string::npos);
  EXPECT_EQ(http.Post("/lab/devices/1/faults", "not json", "application/json")->status, 400);
  EXPECT_EQ(http.Delete("/lab/devices/1/faults")->status, 200);
  EXPECT_EQ(m_lab->faults(1), 0U);

  auto changed = http.Post("/lab/devices/1/config", "", "application/json");
  ASSERT_EQ(changed->status, 200);
  EXPECT_EQ(nlohmann::json::parse(changed->body)["config_version"], 1);
  auto config = http.Get("/lab/devices/1/config");
  ASSERT_EQ(config->status, 200);
  const auto cj = nlohmann::json::parse(config->body);
  EXPECT_EQ(cj["version"], 1);
  EXPECT_EQ(cj["text"].get<std::string>().rfind("Building configuration...", 0), 0U);
  for (const auto& secret : cj["secrets"]) {
    EXPECT_NE(cj["text"].get<std::string>().find(secret.get<std::string>()), std::string::npos);
  }

  auto rotated = http.Post("/lab/devices/1/host-key/rotate", "", "application/json");
  ASSERT_EQ(rotated->status, 200);
  EXPECT_NE(nlohmann::json::parse(rotated->body)["host_key_fingerprint"], j["host_key_fingerprint"]);
  EXPECT_EQ(connect(*m_lab, 1)->host_key_fingerprint(), nlohmann::json::parse(rotated->body)["host_key_fingerprint"]);

  auto kbd = http.Post("/lab/devices/1/ssh", R"({"keyboard_interactive_only": true})", "application/json");
  ASSERT_EQ(kbd->status, 200);
  EXPECT_EQ(nlohmann::json::parse(kbd->body)["keyboard_interactive_only"], true);
  EXPECT_EQ(http.Post("/lab/devices/1/ssh", R"({"colour": 1})", "application/json")->status, 400);

  auto missing = http.Get("/lab/devices/999/ssh");
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(nlohmann::json::parse(missing->body)["detail"].get<std::string>().find("device 999"), std::string::npos);
  EXPECT_EQ(http.Post("/lab/devices/999/config", "", "application/json")->status, 404);

  auto stats = http.Get("/lab/ssh");
  ASSERT_EQ(stats->status, 200);
  EXPECT_EQ(nlohmann::json::parse(stats->body)["workers"].size(), 1U);
}

TEST(DeviceLabScale, TenThousandDevicesOnTenThousandAddresses) {
  std::vector<lab::SimulatedDevice> devices;
  const char* platforms[] = {"cisco-ios", "cisco-nxos", "arista-eos", "juniper-junos"};
  for (std::int64_t id = 1; id <= 10000; ++id) {
    devices.push_back({id, numbered("dev-", id), platforms[id % 4], test_address(id + 1000)});
  }
  auto options = test_options();
  options.devices_per_worker = 6000;  // two workers
  const auto start = std::chrono::steady_clock::now();
  lab::DeviceLab lab(options, devices);
  const auto startup = std::chrono::steady_clock::now() - start;
  EXPECT_LT(startup, 20s);
  std::size_t listeners = 0;
  const auto stats = lab.stats();
  for (const auto& w : stats["workers"]) {
    listeners += w["listeners"].get<std::size_t>();
  }
  EXPECT_EQ(listeners, 10000U);
  for (const std::int64_t id : {1, 2, 4999, 6001, 7777, 10000}) {
    SshTestClient c(address_text(test_address(id + 1000)), lab.ssh_port());
    EXPECT_TRUE(c.password(k_user, k_password)) << id;
  }
  std::cout << "[ scale    ] 10,000 devices up in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(startup).count() << " ms\n";
}

}  // namespace
}  // namespace nbsync::test
