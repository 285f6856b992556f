// The real nbsync binary against the real nbsync-lab, over real SSH and HTTP, reading the
// real SQLite file: what a network engineer relies on when nbsync backs up the fleet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <set>
#include <thread>

#include "storage/database.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using BackupCycle = CycleFixture;

TEST_F(BackupCycle, FirstRunStoresEveryReachableDeviceAndASecondRunNothingNew) {
  start_lab(80, 11);
  write_config();
  auto first = run_nbsync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_FALSE(summary.is_discarded()) << first.out;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << first.out;
  EXPECT_EQ(summary["changed"], reachable.size());
  EXPECT_EQ(summary["search_index"]["indexed"], reachable.size()) << "every first version goes into the index";
  EXPECT_EQ(summary["failed"], 0) << first.out;
  EXPECT_EQ(summary["devices"], 80);
  EXPECT_EQ(summary["skipped"].get<std::size_t>(), 80 - reachable.size())
      << "every other device is skipped with a reason";
  EXPECT_TRUE(summary["inventory"]["complete"].get<bool>());
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), static_cast<int>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM devices"), 80);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome = 'skipped' AND message = ''"), 0);
  EXPECT_EQ(db().execAndGet("PRAGMA integrity_check").getString(), "ok");

  // Every read changes the volatile lines (timestamps, ntp clock-period); none is a change.
  auto second = run_nbsync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size());
  EXPECT_EQ(summary["changed"], 0) << second.out;
  EXPECT_EQ(summary["search_index"]["indexed"], 0) << "nothing new to index";
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), static_cast<int>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM runs"), 2);
}

TEST_F(BackupCycle, ExactlyTheChangedConfigsGetNewVersions) {
  start_lab(60, 12);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::vector<std::int64_t> changed = {reachable[1], reachable[4], reachable[7]};
  for (auto id : changed) {
    change_config(id);
  }
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(summary["changed"], 3);
  auto database = db();
  SQLite::Statement query(database, "SELECT device_id FROM snapshots WHERE run_id = 2 ORDER BY device_id");
  std::vector<std::int64_t> got;
  while (query.executeStep()) {
    got.push_back(query.getColumn(0).getInt64());
  }
  EXPECT_EQ(got, changed);
}

TEST_F(BackupCycle, EachFaultEndsInItsOutcomeWhileTheOthersFinish) {
  start_lab(120, 13);
  write_config();
  const auto ios = reachable_on("cisco-ios");
  const auto junos = reachable_on("juniper-junos");
  const auto nxos = reachable_on("cisco-nxos");
  const auto asa = reachable_on("cisco-asa");
  ASSERT_GE(ios.size(), 11u);
  ASSERT_GE(junos.size(), 1u);
  ASSERT_GE(nxos.size(), 1u);
  ASSERT_GE(asa.size(), 1u);
  const std::vector<std::pair<std::string, std::string>> expected = {{"refuse", "connect"},
                                                                     {"no_banner", "timeout"},
                                                                     {"wrong_password", "auth"},
                                                                     {"hang_after_login", "timeout"},
                                                                     {"hang_mid_config", "timeout"},
                                                                     {"flood", "too_large"},
                                                                     {"close_mid_config", "incomplete"},
                                                                     {"ignore_paging_off", "ok"},
                                                                     // exec needs no enable (exec_first)
                                                                     {"wrong_enable_secret", "ok"},
                                                                     {"huge_banner", "ok"},
                                                                     {"unexpected_prompt", "protocol"}};
  std::map<std::int64_t, std::string> want;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    set_fault(ios[i], expected[i].first);
    want[ios[i]] = expected[i].second;
  }
  set_fault(junos[0], "ignore_paging_off");  // Junos's own pager prompt
  want[junos[0]] = "ok";
  set_fault(nxos[0], "drop_typeahead");  // what nbsync typed ahead is sent again, one command at a time
  want[nxos[0]] = "ok";
  set_fault(asa[0], "wrong_enable_secret");  // the ASA refuses exec: the shell's enable step fails
  want[asa[0]] = "auth";
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto got = outcomes_of_last_run();
  for (const auto& [id, outcome] : want) {
    EXPECT_EQ(got.at(id), outcome) << "device " << id << " (" << names[id] << ")";
  }
  for (auto id : reachable) {
    if (!want.count(id)) {
      EXPECT_EQ(got.at(id), "ok") << "device " << id << " (" << names[id] << ")";
    }
  }
  // A config that did not arrive whole is never stored.
  for (const auto& [id, outcome] : want) {
    if (outcome != "ok") {
      EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = " + std::to_string(id)), 0) << id;
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome <> 'ok' AND outcome <> 'skipped' AND message = ''"), 0)
      << "every failure says why";
}

TEST_F(BackupCycle, ARotatedHostKeyIsRefusedUntilAccepted) {
  start_lab(40, 14);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto victim = reachable.front();
  const auto trusted = db().execAndGet("SELECT fingerprint FROM host_keys WHERE device_id = " + std::to_string(victim) +
                                       " AND state = 'trusted'")
                           .getString();
  rotate_host_key(victim);
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0);
  const auto got = outcomes_of_last_run();
  EXPECT_EQ(got.at(victim), "host_key_mismatch");
  EXPECT_EQ(got.at(reachable[1]), "ok");
  EXPECT_EQ(db().execAndGet("SELECT fingerprint FROM host_keys WHERE device_id = " + std::to_string(victim) +
                            " AND state = 'trusted'")
                .getString(),
            trusted)
      << "the trusted key is not replaced silently";
  EXPECT_EQ(outcomes_of_last_run().at(victim), "host_key_mismatch");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(outcomes_of_last_run().at(victim), "host_key_mismatch") << "refused again until an operator accepts it";

  const auto accepted =
      run_process({k_nbsync, "hostkey", "accept", names[victim], "-c", (dir / "nbsync.toml").string()});
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("accepted ssh-ed25519 SHA256:"));
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(outcomes_of_last_run().at(victim), "ok");
  const auto again = run_process({k_nbsync, "hostkey", "accept", names[victim], "-c", (dir / "nbsync.toml").string()});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("nothing to accept"));
  EXPECT_EQ(
      run_process({k_nbsync, "hostkey", "accept", "no-such-device", "-c", (dir / "nbsync.toml").string()}).exit_code,
      2);
}

TEST_F(BackupCycle, DevicesGoneFromNetboxAreRetiredOnlyWhenTheInventoryIsWhole) {
  start_lab(60, 17);
  write_config("", "page_size = 20\n");  // several pages, so a broken next link can lose some
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto gone = reachable[2];
  ASSERT_EQ(lab->request({"DELETE", "/lab/devices/" + std::to_string(gone), {}, ""}).status, 204);
  // NetBox answers, but its pages cannot be walked whole: nothing may be retired.
  fault({{"kind", "broken_next"}, {"path", "/api/dcim/devices/"}});
  auto partial = run_nbsync();
  ASSERT_EQ(partial.exit_code, 3) << "an incomplete inventory has its own exit code, for cron and systemd: "
                                  << partial.err;
  EXPECT_FALSE(summary["inventory"]["complete"].get<bool>());
  EXPECT_EQ(summary["retired"], 0);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 0);
  EXPECT_THAT(partial.err, HasSubstr("inventory incomplete"));

  auto whole = run_nbsync();
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  EXPECT_TRUE(summary["inventory"]["complete"].get<bool>());
  EXPECT_EQ(summary["retired"], 1);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE retired_at IS NOT NULL AND id = " + std::to_string(gone)), 1);
  EXPECT_GT(count("SELECT count(*) FROM snapshots WHERE device_id = " + std::to_string(gone)), 0) << "history kept";
}

TEST_F(BackupCycle, NoSecretReachesTheDatabaseOrTheLogs) {
  start_lab(40, 15);
  write_config();
  std::set<std::string> secrets = {k_lab_token, k_device_password, k_enable_secret};
  for (auto id : reachable) {
    const auto config = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/config", {}, ""});
    ASSERT_EQ(config.status, 200);
    for (const auto& secret : config.body["secrets"]) {
      secrets.insert(secret.get<std::string>());
    }
  }
  ASSERT_GT(secrets.size(), 10u);
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  ASSERT_EQ(summary["outcomes"]["ok"], reachable.size());
  storage::Database database(dir / "nbsync.db");
  storage::SnapshotStore store(database);
  std::size_t checked = 0;
  for (auto id : reachable) {
    const auto config = store.latest_config(id);
    ASSERT_TRUE(config) << id;
    EXPECT_THAT(*config, HasSubstr("<removed>"));
    for (const auto& secret : secrets) {
      const auto at = config->find(secret);
      if (at != std::string::npos) {
        const auto start = config->rfind('\n', at) == std::string::npos ? 0 : config->rfind('\n', at) + 1;
        ADD_FAILURE() << "device " << id << " (" << platforms[id]
                      << ") stored a secret in: " << config->substr(start, config->find('\n', at) - start);
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, reachable.size());
  for (const auto& secret : secrets) {
    EXPECT_THAT(result.out + result.err, Not(HasSubstr(secret)));
  }
}

TEST_F(BackupCycle, AKilledCycleLeavesADatabaseTheNextCycleCompletes) {
  start_lab(150, 16);
  write_config();
  // Slow devices keep the cycle busy long enough to be killed in the middle of it.
  std::vector<std::int64_t> slow(reachable.begin(), reachable.begin() + 20);
  for (auto id : slow) {
    set_fault(id, "trickle");
  }
  {
    ChildProcess running({k_nbsync, "run", "--once", "-c", (dir / "nbsync.toml").string()}, "");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (has_table("snapshots") && count("SELECT count(*) FROM snapshots") > 10) {
        break;
      }
    }
    ASSERT_GT(count("SELECT count(*) FROM snapshots"), 10) << "the cycle stored some configs before the kill";
    ASSERT_LT(count("SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"), 1) << "and had not finished";
    ASSERT_EQ(kill(running.pid(), SIGKILL), 0);
  }
  EXPECT_EQ(db().execAndGet("PRAGMA integrity_check").getString(), "ok");
  const int stored_before = count("SELECT count(*) FROM snapshots");
  for (auto id : slow) {
    lab->request({"DELETE", "/lab/devices/" + std::to_string(id) + "/faults", {}, ""});
  }
  const auto again = run_nbsync();
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << again.out;
  EXPECT_EQ(summary["changed"].get<int>(), static_cast<int>(reachable.size()) - stored_before)
      << "what was committed before the kill is kept and not stored twice";
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), static_cast<int>(reachable.size()));
  EXPECT_EQ(db().execAndGet("PRAGMA integrity_check").getString(), "ok");
}

// [[ssh.limit]] from the config file to the pool: the devices of the limited platform go one
// at a time, every reachable device is still backed up, and the cycle log reports the peak.
TEST_F(BackupCycle, AnSshLimitAndTheMemoryBudgetFromTheConfigHoldAndAreReportedInTheCycleLog) {
  start_lab(40, 11);
  ASSERT_FALSE(reachable_on("cisco-ios").empty());
  write_config(
      "memory_budget = \"1MiB\"\n\n[[ssh.limit]]\nplatform = \"cisco-ios\"\nsessions = 1\nlogins_per_second = 50\n");
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << run.out;
  EXPECT_THAT(run.err,
              HasSubstr("cycle: limit platform=cisco-ios (1 sessions, 50 logins/s): peak 1 sessions at once, " +
                        std::to_string(reachable_on("cisco-ios").size()) + " logins"));
  EXPECT_THAT(run.err, HasSubstr("cycle: memory budget 1.0 MiB: peak "));
}

// A limit scoped by NetBox region: nbsync reads the region's sites from NetBox (Germany has
// one, fra1, in this fleet of ams1, fra1 and lon1) and only that site's devices count
// against it. A region NetBox does not know stops the cycle before any backup, saying so.
TEST_F(BackupCycle, ARegionLimitCoversTheDevicesOfTheRegionsSitesAndAnUnknownRegionStopsTheCycle) {
  start_lab(40, 11);
  std::set<std::int64_t> in_germany;
  for (const auto& device : lab->walk("/api/dcim/devices/?site=fra1&limit=1000&exclude=config_context")) {
    in_germany.insert(device["id"].get<std::int64_t>());
  }
  const auto reachable_in_germany =
      std::count_if(reachable.begin(), reachable.end(), [&](std::int64_t id) { return in_germany.count(id) > 0; });
  ASSERT_GT(reachable_in_germany, 1);
  ASSERT_LT(reachable_in_germany, static_cast<long>(reachable.size()));
  write_config("\n[[ssh.limit]]\nregion = \"germany\"\nsessions = 1\n");
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << run.out;
  EXPECT_THAT(run.err, HasSubstr("cycle: region germany has 1 site(s) in NetBox"));
  EXPECT_THAT(run.err, HasSubstr("cycle: limit region=germany (1 sessions): peak 1 sessions at once, " +
                                 std::to_string(reachable_in_germany) + " logins"));

  write_config("\n[[ssh.limit]]\nregion = \"atlantis\"\nsessions = 1\n");
  const auto runs_before = count("SELECT count(*) FROM runs");
  const auto refused = run_nbsync();
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("region atlantis: NetBox knows no region with that slug"));
  EXPECT_THAT(refused.err, HasSubstr("no device was backed up"));
  EXPECT_EQ(count("SELECT count(*) FROM runs"), runs_before) << "no run was opened";
}

// Every device allows one session at a time (a timing file with vty_lines = 1 and no
// waits): while a session is open its listener is closed, and a second connection would be
// refused (TCP RST) as IOS refuses one with no free vty line. nbsync backs up every device
// with one session each and no retry: a backup that needed a second connection (a probe
// beside the shell, a reconnect before the first session ended) would fail to connect.
TEST_F(BackupCycle, DevicesAllowingOneSessionAreBackedUpWithoutARefusedConnection) {
  dir.write("one-vty-line.toml", "[default]\nvty_lines = 1\n");
  start_lab(40, 11, {"--timing", (dir / "one-vty-line.toml").string()});
  write_config();  // no retries: a refused connection would show as a device not backed up
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << run.out;
  const LabReply timing = lab->get("/lab/timing");
  ASSERT_EQ(timing.status, 200) << timing.raw;
  EXPECT_EQ(timing.body["peak_sessions_per_device"], 1) << timing.raw;
  EXPECT_EQ(timing.body["refused_vty_busy"], 0) << timing.raw;
  EXPECT_GE(timing.body["vty_lines_full"].get<int>(), static_cast<int>(reachable.size()))
      << "every session took the device's only line: " << timing.raw;
}

// Every site's AAA server answers one login a second (nbsync-lab --aaa-logins-per-second):
// logins beyond it queue and fail at the device's AAA timeout, as with a TACACS+ server
// that cannot keep up. Without the per-site back-off nbsync loses devices to it; with it (the
// default) each site's window shrinks to what its AAA can answer, the struggling logins
// are tried again, and more devices are backed up.
TEST_F(BackupCycle, AnOverloadedAaaServerMakesItsSiteBackOffInsteadOfFailingItsDevices) {
  start_lab(40, 7, {"--aaa-logins-per-second", "1"});
  write_config("site_sessions_start = 0\n");
  const auto without = run_nbsync();
  ASSERT_EQ(without.exit_code, 0) << without.err;
  const int ok_without = summary["outcomes"].value("ok", 0);
  ASSERT_LT(ok_without, static_cast<int>(reachable.size())) << "the AAA servers were overloaded" << without.out;

  std::filesystem::remove(dir / "nbsync.db");
  retries = 3;
  write_config();
  const auto with = run_nbsync();
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_GT(summary["outcomes"].value("ok", 0), ok_without) << with.out;
  EXPECT_THAT(with.err, HasSubstr("struggled (sessions timing out together, or logins refused after a long wait)"));
}

// Every site's AAA server answers at most ten logins a second, one every 100 ms, and a
// login arriving sooner waits (nbsync-lab --aaa-logins-per-second 10). nbsync cannot see that
// rate; its default pace of two new logins a second per site (ssh.site_logins_per_second)
// keeps every site's AAA from ever queueing a login, where unpaced logins queue at once. (The
// 400 ms between a paced login's slot and the next AAA turn absorb a busy test machine's
// scheduling delays between the pace's clock and the lab's.)
TEST_F(BackupCycle, EachSitesLoginsArePacedSoItsAaaServerNeverQueuesOne) {
  start_lab(40, 7, {"--aaa-logins-per-second", "10"});
  const auto aaa_waits = [this] {
    const LabReply counters = lab->get("/lab/counters");
    int waits = 0;
    const json sites = counters.body.at("ssh").at("sites");
    for (const auto& [site, counts] : sites.items()) {
      waits += counts.value("aaa_waits", 0);
    }
    return waits;
  };
  // Paced first: the unpaced run leaves each site's AAA queue busy for a while after it.
  write_config("site_logins_per_second = 2\n");
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(summary["outcomes"].value("ok", 0), static_cast<int>(reachable.size())) << run.out;
  EXPECT_EQ(aaa_waits(), 0) << "a paced login queued at its site's AAA server: " << lab->get("/lab/counters").raw;
  EXPECT_THAT(run.err, HasSubstr("cycle: logins paced at 2 a second per site"));

  ASSERT_EQ(lab->send("DELETE", "/lab/counters", json::object()).status, 204);
  std::filesystem::remove(dir / "nbsync.db");
  write_config("site_logins_per_second = 0\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_GT(aaa_waits(), 0) << "unpaced logins queue at a 10-a-second AAA server";
}

// Only one site's AAA server is overloaded (nbsync-lab --aaa-site ams1=1): nbsync backs off
// there and tries its struggling logins again, while the other sites' devices are backed
// up at once, none of them waiting for the overloaded site.
TEST_F(BackupCycle, OneSitesOverloadedAaaSlowsOnlyThatSite) {
  start_lab(40, 7, {"--aaa-site", "ams1=1"});
  retries = 3;
  write_config();
  const auto run = run_nbsync();
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("cycle: site ams1 struggled"));
  auto database = db();
  SQLite::Statement attempts(database, R"sql(
    SELECT d.site, a.outcome, a.duration_ms, a.id FROM attempts a JOIN devices d ON d.id = a.device_id
     WHERE a.outcome <> 'skipped')sql");
  int overloaded = 0;
  int elsewhere = 0;
  std::int64_t last_overloaded = 0;
  std::int64_t last_elsewhere = 0;
  while (attempts.executeStep()) {
    const std::string site = attempts.getColumn(0).getString();
    if (site == "ams1") {
      ++overloaded;
      last_overloaded = std::max(last_overloaded, attempts.getColumn(3).getInt64());
      continue;
    }
    ++elsewhere;
    last_elsewhere = std::max(last_elsewhere, attempts.getColumn(3).getInt64());
    EXPECT_EQ(attempts.getColumn(1).getString(), "ok") << site;
    EXPECT_LT(attempts.getColumn(2).getInt64(), 3000) << "a device at " << site << " waited";
  }
  EXPECT_GE(overloaded, 5) << "the overloaded site has devices to back up";
  EXPECT_GE(elsewhere, 5);
  EXPECT_LT(last_elsewhere, last_overloaded) << "the other sites were done before the overloaded one";
}

}  // namespace
}  // namespace nbsync::test
