// Jump hosts end to end: the real nbsync binary against nbsync-lab with some sites behind
// SSH bastions (one behind two, in a chain), configured as a network engineer would
// ([[ssh.jump_host]] per bastion, NetBox's nbsync_jump_host field naming each device's).
// Every device is backed up through its bastion; a failing bastion fails the devices
// behind it with one Slack line for the bastion while each device page shows its own
// status; a bastion's changed host key is refused until `nbsync hostkey accept` names it.
#include "tests/e2e/notify_fixture.hpp"
#include "types/host_key.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class JumpHosts : public NotifyFixture {
protected:
  void SetUp() override {
    start_lab(30, 42, {"--bastion-sites", "0.5"});
    dir.write("jump.password", "jump-password\n");
    dir.write("slack.url", lab->url() + "/lab/slack/ops\n");
    std::string jump_hosts;
    const json bastions = lab->get("/lab/bastions").body["bastions"];
    for (const auto& entry : bastions) {
      const std::string name = entry["name"].get<std::string>();
      jump_hosts += "\n[[ssh.jump_host]]\nname = \"" + name + "\"\naddress = \"" + entry["address"].get<std::string>() +
                    "\"\nport = " + std::to_string(entry["port"].get<int>()) + "\nusername = \"" +
                    entry["user"].get<std::string>() + "\"\npassword_file = \"jump.password\"\n";
      if (!entry["behind"].is_null()) {
        jump_hosts += "via = \"" + entry["behind"].get<std::string>() + "\"\n";
        inner = name;
        outer = entry["behind"].get<std::string>();
      }
      fingerprints[name] = entry["host_key_fingerprint"].get<std::string>();
    }
    write_config(jump_hosts, "",
                 "\n[notify]\ndrain_timeout = \"3s\"\n\n[[notify.slack]]\nname = \"ops\"\nurl_file = \"slack.url\"\n");
    const auto setup = nbsync({"netbox-setup"});
    ASSERT_EQ(setup.exit_code, 0) << setup.err;
    for (const auto id : reachable) {
      const json fields = device(id)["custom_fields"];
      if (fields.value("nbsync_jump_host", json()).is_string()) {
        behind[fields["nbsync_jump_host"].get<std::string>()].push_back(id);
      }
    }
    ASSERT_FALSE(inner.empty()) << "the lab chains one site behind two bastions";
    ASSERT_FALSE(behind[inner].empty());
    ASSERT_FALSE(behind[outer].empty());
  }

  json bastion_counters(const std::string& name) { return lab->get("/lab/bastions/" + name).body["counters"]; }
  void set_bastion_fault(const std::string& name, const std::string& fault) {
    const auto reply = lab->request({"POST",
                                     "/lab/bastions/" + name + "/faults",
                                     {{"Content-Type", "application/json"}},
                                     json({{"faults", {fault}}}).dump()});
    ASSERT_EQ(reply.status, 200) << reply.raw;
  }
  // The devices the failing outer bastion cuts off: its own and the chained site's.
  std::vector<std::int64_t> cut_off() {
    std::vector<std::int64_t> ids = behind[outer];
    ids.insert(ids.end(), behind[inner].begin(), behind[inner].end());
    return ids;
  }
  std::string status_of(std::int64_t id) {
    return db().execAndGet("SELECT status FROM device_states WHERE device_id = " + std::to_string(id)).getString();
  }

  std::string inner, outer;
  std::map<std::string, std::vector<std::int64_t>> behind;
  std::map<std::string, std::string> fingerprints;
};

TEST_F(JumpHosts, EveryDeviceIsBackedUpThroughItsBastionsAndTheChain) {
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << run.out << run.err;
  for (const auto& [name, ids] : behind) {
    SCOPED_TRACE(name);
    EXPECT_EQ(bastion_counters(name)["connections"], 1) << "one connection carries all its devices";
    // Its key was trusted on first use under the jump host's own id, not a device's.
    EXPECT_EQ(count("SELECT count(*) FROM host_keys WHERE state = 'trusted' AND device_id = " +
                    std::to_string(jump_host_key_owner(name)) + " AND fingerprint = '" + fingerprints[name] + "'"),
              1);
    EXPECT_THAT(run.err, HasSubstr("cycle: limit jump host " + name + " (64 sessions): peak "));
  }
  EXPECT_EQ(bastion_counters(inner)["forwards"], behind[inner].size()) << "the chained site went through both";
  EXPECT_THAT(run.err, Not(HasSubstr("jump-password")));
}

TEST_F(JumpHosts, AFailingBastionIsOneSlackLineAndEachDeviceShowsItsOwnStatus) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  set_bastion_fault(outer, "auth_failure");
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto devices = cut_off();
  EXPECT_EQ(summary["outcomes"]["auth"], devices.size()) << run.out;
  EXPECT_EQ(
      count("SELECT count(*) FROM attempts WHERE run_id = (SELECT max(id) FROM runs) AND jump_host = '" + outer + "'"),
      static_cast<int>(devices.size()));
  for (const auto id : devices) {
    EXPECT_EQ(status_of(id), "auth") << names[id];
    EXPECT_EQ(device(id)["custom_fields"]["nbsync_backup_status"], "auth") << "its own NetBox page says so";
  }
  const json messages = slack();
  ASSERT_FALSE(messages.empty());
  const std::string text = messages.back()["body"]["text"].get<std::string>();
  EXPECT_THAT(text, HasSubstr(std::to_string(devices.size()) + " device(s) started failing"));
  EXPECT_THAT(text, HasSubstr("• " + outer + ": " + std::to_string(devices.size()) +
                              " device(s) behind it not reached: auth: bastion " + outer));
  for (const auto id : devices) {
    EXPECT_THAT(text, Not(HasSubstr("|" + names[id] + ">"))) << "no line per device behind it";
  }
  EXPECT_THAT(text, Not(HasSubstr("jump-password")));
  EXPECT_EQ(bastion_counters(outer)["connections"], 2) << "one dial per cycle, not one per device";
}

TEST_F(JumpHosts, ABastionsChangedHostKeyIsRefusedUntilAcceptedByItsName) {
  ASSERT_EQ(run_nbsync().exit_code, 0);
  set_bastion_fault(outer, "host_key_rotated");
  const std::string presented =
      lab->get("/lab/bastions/" + outer).body["presented_host_key_fingerprint"].get<std::string>();
  ASSERT_NE(presented, fingerprints[outer]);
  const auto refused = run_nbsync();
  ASSERT_EQ(refused.exit_code, 0) << refused.err;
  EXPECT_EQ(summary["outcomes"]["host_key_mismatch"], cut_off().size()) << refused.out;
  EXPECT_EQ(bastion_counters(outer)["logins"], 1) << "no credential sent to the changed key";

  const auto wrong = nbsync({"hostkey", "accept", outer, "--fingerprint", fingerprints[outer]});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr("jump host " + outer + " presented ssh-ed25519 " + presented));
  const auto accepted = nbsync({"hostkey", "accept", outer, "--fingerprint", presented});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("accepted ssh-ed25519 " + presented + " for jump host " + outer + ", replacing " +
                                      fingerprints[outer]));
  const auto again = run_nbsync();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << again.out;
}

}  // namespace
}  // namespace nbsync::test
