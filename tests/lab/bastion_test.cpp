// nbsync-lab's SSH jump hosts (--bastion-sites), judged by a client nobody here wrote:
// OpenSSH's `ssh -J` (ProxyJump), with a key made by ssh-keygen. Also what NetBox says about
// them (the nbsync_jump_host custom field) and each bastion fault.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>

#include "tests/support/lab.hpp"
#include "tests/support/open_ssh.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;
using namespace std::chrono_literals;

struct Bastion {
  std::string name;
  std::string address;
  int port = 0;
  std::string user;
  std::optional<std::string> behind;
  std::vector<std::string> chain;
  std::vector<std::string> sites;
  json entry;
};

struct Device {
  std::int64_t id = 0;
  std::string name;
  std::string address;
  std::string site;
  std::string platform;
  json jump_host;
};

class BastionLab : public ::testing::Test {
protected:
  void SetUp() override {
    m_lab = std::make_unique<Lab>(100, 5,
                                  std::vector<std::string>{"--bastion-sites", "0.5", "--authorized-key",
                                                           m_ssh.public_key(), "--keyboard-interactive-share", "0"});
    const auto listed = m_lab->get("/lab/bastions");
    ASSERT_EQ(listed.status, 200) << listed.raw;
    for (const auto& b : listed.body["bastions"]) {
      Bastion entry;
      entry.name = b["name"].get<std::string>();
      entry.address = b["address"].get<std::string>();
      entry.port = b["port"].get<int>();
      entry.user = b["user"].get<std::string>();
      if (!b["behind"].is_null()) {
        entry.behind = b["behind"].get<std::string>();
      }
      entry.chain = b["chain"].get<std::vector<std::string>>();
      entry.sites = b["sites"].get<std::vector<std::string>>();
      entry.entry = b;
      m_bastions[entry.name] = entry;
    }
    for (const auto& d : m_lab->walk("/api/dcim/devices/?limit=1000&exclude=config_context")) {
      if (d["primary_ip4"].is_null() || d["name"].is_null()) {
        continue;
      }
      const auto address = d["primary_ip4"]["address"].get<std::string>();
      Device device;
      device.id = d["id"].get<std::int64_t>();
      device.name = d["name"].get<std::string>();
      device.address = address.substr(0, address.find('/'));
      device.site = d["site"]["slug"].get<std::string>();
      device.platform = d["platform"].is_null() ? "" : d["platform"]["slug"].get<std::string>();
      device.jump_host = d["custom_fields"]["nbsync_jump_host"];
      m_devices.push_back(device);
    }
  }

  const Bastion& bastion(const std::string& name) { return m_bastions.at(name); }
  // The bastion reachable directly (jump-1) and the one behind it.
  const Bastion& outer() { return bastion("jump-1"); }
  const Bastion& inner() {
    for (const auto& [name, b] : m_bastions) {
      if (b.behind) {
        return b;
      }
    }
    throw std::runtime_error("no chained bastion in the plan");
  }
  // An IOS device (it runs an exec command, and its show version names it) behind
  // `jump_host` ("" = none).
  const Device& device_behind(const std::string& jump_host) {
    for (const auto& d : m_devices) {
      if (d.platform == "cisco-ios" && (jump_host.empty() ? d.jump_host.is_null() : d.jump_host == jump_host)) {
        return d;
      }
    }
    throw std::runtime_error("no IOS device behind '" + jump_host + "' in the lab");
  }
  std::string hop(const Bastion& b) const { return b.user + "@" + b.address + ":" + std::to_string(b.port); }
  std::string port() const { return std::to_string(m_lab->ssh_port()); }
  // `ssh -J hops netops@device show version`.
  ProcessResult show_version(const std::string& hops, const Device& d) const {
    std::vector<std::string> args;
    if (!hops.empty()) {
      args = {"-J", hops};
    }
    args.insert(args.end(), {"-p", port(), "netops@" + d.address, "show version"});
    return m_ssh.run(args);
  }
  void set_faults(const std::string& bastion_name, const json& faults) {
    const auto reply = m_lab->send("POST", "/lab/bastions/" + bastion_name + "/faults", {{"faults", faults}});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }

  OpenSsh m_ssh;
  std::unique_ptr<Lab> m_lab;
  std::map<std::string, Bastion> m_bastions;
  std::vector<Device> m_devices;
};

TEST_F(BastionLab, OpenSshJumpReachesADeviceBehindABastionAndRunsACommand) {
  const auto& d = device_behind("jump-1");
  const auto result = show_version(hop(outer()), d);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr(d.name)) << "the device's own show version";
  const auto state = m_lab->get("/lab/bastions/jump-1");
  EXPECT_EQ(state.body["counters"]["forwards"], 1);
  EXPECT_EQ(state.body["counters"]["logins"], 1);
}

TEST_F(BastionLab, TheChainedSiteIsReachedThroughBothBastionsInOrderOnly) {
  const auto& b2 = inner();
  ASSERT_EQ(b2.behind, "jump-1");
  EXPECT_EQ(b2.chain, (std::vector<std::string>{"jump-1", b2.name}));
  const auto& d = device_behind(b2.name);
  const auto through_both = show_version(hop(outer()) + "," + hop(b2), d);
  ASSERT_EQ(through_both.exit_code, 0) << through_both.err;
  EXPECT_THAT(through_both.out, HasSubstr(d.name));

  const auto outer_only = show_version(hop(outer()), d);
  EXPECT_NE(outer_only.exit_code, 0) << "the device drops what does not come from its own bastion";
  EXPECT_THAT(outer_only.err, HasSubstr("timed out"));
  const auto inner_only = show_version(hop(b2), d);
  EXPECT_NE(inner_only.exit_code, 0) << "the inner bastion drops what does not come from the outer one";
  EXPECT_THAT(inner_only.err, HasSubstr("timed out"));
}

TEST_F(BastionLab, ADeviceBehindABastionDropsDirectConnectionsOthersAnswer) {
  const auto blocked = show_version("", device_behind("jump-1"));
  EXPECT_EQ(blocked.exit_code, 255);
  EXPECT_THAT(blocked.err, HasSubstr("Connection timed out")) << "dropped like a firewall, not refused";

  const auto& open = device_behind("");
  const auto direct = show_version("", open);
  ASSERT_EQ(direct.exit_code, 0) << direct.err;
  EXPECT_THAT(direct.out, HasSubstr(open.name));
  const auto state = m_lab->get("/lab/devices/" + std::to_string(open.id) + "/ssh");
  EXPECT_TRUE(state.body["only_from"].is_null());
}

TEST_F(BastionLab, ForwardingAnywhereButALabDeviceAndShellsAreRefused) {
  const std::string api_port = m_lab->url().substr(m_lab->url().rfind(':') + 1);
  const auto& b = outer();
  const std::vector<std::string> targets = {"127.0.0.1:" + api_port, "192.0.2.1:22", "localhost:" + port(),
                                            device_behind("jump-1").address + ":" + api_port};
  for (const auto& target : targets) {
    const auto result = m_ssh.run({"-p", std::to_string(b.port), "-W", target, b.user + "@" + b.address});
    EXPECT_EQ(result.exit_code, 255) << target;
    EXPECT_THAT(result.err, HasSubstr("administratively prohibited")) << target;
  }
  const auto shell = m_ssh.run({"-p", std::to_string(b.port), b.user + "@" + b.address, "id"});
  EXPECT_NE(shell.exit_code, 0);
  EXPECT_THAT(shell.err, HasSubstr("administratively prohibited"));
}

TEST_F(BastionLab, EachBastionFaultDoesWhatItSays) {
  const auto& d = device_behind("jump-1");
  ASSERT_EQ(show_version(hop(outer()), d).exit_code, 0) << "known_hosts now holds jump-1's key";
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"refuse", "Connection refused"},
      {"auth_failure", "Permission denied"},
      {"forwarding_refused", "administratively prohibited"},
      {"hang", "timed out during banner exchange"},
      {"hang_forward", "timed out"},
      {"host_key_rotated", "REMOTE HOST IDENTIFICATION HAS CHANGED"},
  };
  for (const auto& [fault, message] : expected) {
    set_faults("jump-1", {fault});
    const auto start = std::chrono::steady_clock::now();
    const auto result = show_version(hop(outer()), d);
    EXPECT_EQ(result.exit_code, 255) << fault;
    EXPECT_THAT(result.err, HasSubstr(message)) << fault;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 15s) << fault << ": the client's timeout ends it";
  }
  const auto state = m_lab->get("/lab/bastions/jump-1");
  EXPECT_EQ(state.body["faults"], json({"host_key_rotated"}));
  EXPECT_NE(state.body["presented_host_key_fingerprint"], state.body["host_key_fingerprint"]);
  EXPECT_EQ(state.body["counters"]["forwards_unanswered"], 1);
  EXPECT_EQ(state.body["counters"]["forwards_refused"], 1);

  ASSERT_EQ(m_lab->send("DELETE", "/lab/bastions/jump-1/faults", json::object()).status, 200);
  const auto healed = show_version(hop(outer()), d);
  EXPECT_EQ(healed.exit_code, 0) << healed.err;
  EXPECT_EQ(m_lab->send("POST", "/lab/bastions/jump-1/faults", {{"faults", {"teleport"}}}).status, 400);
  EXPECT_EQ(m_lab->get("/lab/bastions/jump-9").status, 404);
}

TEST_F(BastionLab, NetboxNamesTheBastionOfEveryDeviceAndFollowsAMove) {
  std::map<std::string, std::string> site_bastion;
  for (const auto& [name, b] : m_bastions) {
    for (const auto& site : b.sites) {
      site_bastion[site] = name;
    }
  }
  ASSERT_GE(site_bastion.size(), 2U);
  std::size_t behind = 0, direct = 0;
  for (const auto& d : m_devices) {
    const auto it = site_bastion.find(d.site);
    if (it == site_bastion.end()) {
      EXPECT_TRUE(d.jump_host.is_null()) << d.name;
      ++direct;
    } else {
      EXPECT_EQ(d.jump_host, it->second) << d.name;
      ++behind;
    }
  }
  EXPECT_GT(behind, 0U);
  EXPECT_GT(direct, 0U) << "at least one site stays reachable directly";
  const auto fields = m_lab->get("/api/extras/custom-fields/?name=nbsync_jump_host");
  ASSERT_EQ(fields.body["count"], 1);
  EXPECT_EQ(fields.body["results"][0]["type"]["value"], "text");
  EXPECT_EQ(fields.body["results"][0]["object_types"], json({"dcim.device"}));

  // Moving a device to a bastion's site puts it behind that bastion, in NetBox and on the wire.
  const auto& moved = device_behind("");
  const std::string target_site = outer().sites.front();
  const auto changed = m_lab->send("PATCH", "/lab/devices/" + std::to_string(moved.id), {{"site", target_site}});
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_EQ(changed.body["custom_fields"]["nbsync_jump_host"], "jump-1");
  const auto state = m_lab->get("/lab/devices/" + std::to_string(moved.id) + "/ssh");
  EXPECT_EQ(state.body["only_from"], outer().address);
  const auto through = show_version(hop(outer()), moved);
  EXPECT_EQ(through.exit_code, 0) << through.err;
}

TEST(BastionLabOff, WithoutBastionSitesThereAreNoBastionsAndNoField) {
  Lab lab(30, 5);
  const auto listed = lab.get("/lab/bastions");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["bastions"], json::array());
  EXPECT_EQ(lab.get("/api/extras/custom-fields/").body["count"], 0);
  EXPECT_FALSE(lab.get("/api/dcim/devices/1/").body["custom_fields"].contains("nbsync_jump_host"));
}

}  // namespace
}  // namespace nbsync::test
