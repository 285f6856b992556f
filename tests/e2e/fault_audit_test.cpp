// The fault audit, kept as tests: nothing lost, nothing leaked, nothing twice, with the
// real nbsync against the real lab (NetBox API, SSH devices, Slack sink) and the real
// database. A crash storm of kill -9s, NetBox outages of every shape, a secrets sweep,
// host keys, file descriptors.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <random>
#include <regex>
#include <thread>

#include "tests/e2e/notify_fixture.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Whether a child we have not reaped yet has exited (a zombie), from /proc.
bool has_exited(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  return paren == std::string::npos || text.substr(paren + 2, 1) == "Z";
}

class FaultAudit : public NotifyFixture {
protected:
  // Journal entries of a device whose text says its config changed, and every `nbsync ref`
  // seen on any device (a duplicate ref is a duplicated entry).
  int changed_entries(std::int64_t id, std::multiset<std::string>& refs) {
    int changed = 0;
    static const std::regex ref("nbsync ref (nbsync-[a-z0-9-]+)");
    const json entries = journal(id);
    for (const auto& entry : entries["results"]) {
      const std::string text = entry["comments"];
      if (text.starts_with("Configuration changed")) {
        ++changed;
      }
      std::smatch match;
      if (std::regex_search(text, match, ref)) {
        refs.insert(match[1]);
      }
    }
    return changed;
  }

  // Stored changes (versions after a device's first) per device.
  std::map<std::int64_t, int> stored_changes() {
    std::map<std::int64_t, int> out;
    auto database = db();
    SQLite::Statement query(database, "SELECT device_id, count(*) - 1 FROM snapshots GROUP BY device_id");
    while (query.executeStep()) {
      out[query.getColumn(0).getInt64()] = query.getColumn(1).getInt();
    }
    return out;
  }

  // Every NetBox journal entry is one stored change or state change, none twice.
  void expect_journal_matches_changes() {
    std::multiset<std::string> refs;
    for (const auto& [id, changes] : stored_changes()) {
      EXPECT_EQ(changed_entries(id, refs), changes) << "device " << id << ": one journal entry per stored change";
    }
    for (const auto& ref : refs) {
      EXPECT_EQ(refs.count(ref), 1u) << "journal entry " << ref << " twice";
    }
  }

  // Every stored change is named in the Slack message of its run (or counted in it, for a
  // run with more changes than a message lists).
  void expect_slack_names_every_change() {
    std::map<std::int64_t, std::string> text_of_run;
    static const std::regex run_id(R"(^\*nbsync\* run (\d+))");
    const json messages = slack();
    for (const auto& message : messages) {
      const std::string text = message["body"]["text"];
      std::smatch match;
      if (std::regex_search(text, match, run_id)) {
        text_of_run[std::stoll(match[1])] += text;
      }
    }
    auto database = db();
    SQLite::Statement changes(database, R"sql(
      SELECT s.run_id, s.device_id, (SELECT count(*) FROM attempts a WHERE a.run_id = s.run_id AND a.config_change = 1)
        FROM snapshots s
       WHERE EXISTS (SELECT 1 FROM snapshots p WHERE p.device_id = s.device_id AND p.id < s.id)
    )sql");
    int checked = 0;
    while (changes.executeStep()) {
      const auto run = changes.getColumn(0).getInt64();
      const auto id = changes.getColumn(1).getInt64();
      const auto in_run = changes.getColumn(2).getInt();
      ASSERT_TRUE(text_of_run.count(run)) << "no Slack message for run " << run << " (device " << id << " changed)";
      if (in_run <= 10) {
        EXPECT_THAT(text_of_run[run], HasSubstr("/dcim/devices/" + std::to_string(id) + "/|")) << "run " << run;
      } else {
        EXPECT_THAT(text_of_run[run], HasSubstr(std::to_string(in_run) + " config(s) changed")) << "run " << run;
      }
      ++checked;
    }
    EXPECT_GT(checked, 0);
  }
};

TEST_F(FaultAudit, ACrashStormLosesNothingAndDuplicatesNothing) {
  start_reporting(120, 31, "timeout = \"2s\"\n", "drain_timeout = \"8s\"\n");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  // Kills land anywhere within a run's length on this machine; a kill that came after the
  // run had ended does not count, and makes the window shorter.
  auto window = std::max<long>(
      200, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  std::mt19937 random(20261204);
  int killed_mid_run = 0;
  for (int round = 0; round < 60 && killed_mid_run < 20; ++round) {
    for (int i = 0; i < 2; ++i) {
      change_config(reachable[random() % reachable.size()]);
    }
    {
      ChildProcess running({k_nbsync, "run", "--once", "-c", (dir / "nbsync.toml").string()}, "");
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % window));
      if (has_exited(running.pid())) {
        window = std::max<long>(100, window * 3 / 4);
      } else {
        ++killed_mid_run;
      }
      ASSERT_EQ(kill(running.pid(), SIGKILL), 0);
    }
    EXPECT_EQ(db().execAndGet("PRAGMA integrity_check").getString(), "ok") << "after round " << round;
  }
  EXPECT_EQ(killed_mid_run, 20) << "20 kill -9s landed while nbsync was running";
  const auto clean = run_nbsync();
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0) << "everything delivered";
  expect_journal_matches_changes();
  expect_slack_names_every_change();
  expect_fields_match_database();
}

TEST_F(FaultAudit, NetboxRefusingWritesAfterA503LosesNoStateAndKeepsTheMessages) {
  start_reporting(40, 32);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::vector<std::int64_t> changed = {reachable[0], reachable[3], reachable[6]};
  for (auto id : changed) {
    change_config(id);
  }
  fault({{"kind", "status"}, {"status", 503}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  fault({{"kind", "status"}, {"status", 400}, {"count", 100}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  fault({{"kind", "status"}, {"status", 400}, {"count", 100}, {"path", "/api/extras/journal-entries/"}});
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(count("SELECT count(*) FROM outbox WHERE kind = 'journal' AND refused_at IS NOT NULL"), 3)
      << "refused journal entries are kept";
  const auto status = nbsync({"status"});
  EXPECT_THAT(status.out, HasSubstr("3 refused for good")) << status.out;
  const auto status_json = json::parse(nbsync({"status", "--json"}).out);
  EXPECT_EQ(status_json["outbox"][0]["refused"], 3) << status_json.dump();

  clear_faults();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  expect_fields_match_database();  // state converges without being told again
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 0) << "a refused message waits for an operator";
  }
  const auto retry = nbsync({"outbox", "retry"});
  ASSERT_EQ(retry.exit_code, 0) << retry.err;
  EXPECT_THAT(retry.out, HasSubstr("3 refused message(s) queued again"));
  ASSERT_EQ(run_nbsync().exit_code, 0);
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 1) << "device " << id;
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(FaultAudit, FieldsSomeoneChangedInNetboxAreWrittenBack) {
  start_reporting(30, 33);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto id = reachable[2];
  ASSERT_EQ(lab->send("PATCH", "/api/dcim/devices/" + std::to_string(id) + "/",
                      {{"custom_fields", {{"nbsync_config_hash", "0000"}, {"nbsync_backup_status", nullptr}}}})
                .status,
            200);
  reset_counters();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(requests("PATCH /api/dcim/devices/"), 1) << "one write, for the one device that drifted";
  expect_fields_match_database();
}

TEST_F(FaultAudit, NetboxApplyingAJournalEntryAfterTheTimeoutGetsItOnce) {
  start_reporting(30, 34, "timeout = \"2s\"\n", "drain_timeout = \"15s\"\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::vector<std::int64_t> changed = {reachable[1], reachable[4]};
  for (auto id : changed) {
    change_config(id);
  }
  fault({{"kind", "late"}, {"stall_seconds", 5}, {"path", "/api/extras/journal-entries/"}, {"method", "POST"}});
  const auto result = run_nbsync();
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(summary["notify"]["waiting"], 0) << "looked up once the write had landed: " << result.err;
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 1) << "device " << id;
  }
}

TEST_F(FaultAudit, KilledWhileAJournalPostIsInFlightTheNextRunLooksItUp) {
  start_reporting(30, 35, "timeout = \"2s\"\n", "drain_timeout = \"15s\"\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::vector<std::int64_t> changed = {reachable[0], reachable[5]};
  for (auto id : changed) {
    change_config(id);
  }
  fault({{"kind", "late"}, {"stall_seconds", 30}, {"path", "/api/extras/journal-entries/"}, {"method", "POST"}});
  reset_counters();
  {
    ChildProcess running({k_nbsync, "run", "--once", "-c", (dir / "nbsync.toml").string()}, "");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline && requests("POST /api/extras/journal-entries/") == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the lab has written it, the answer is pending
    ASSERT_EQ(kill(running.pid(), SIGKILL), 0);
  }
  clear_faults();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  for (auto id : changed) {
    EXPECT_EQ(journal(id)["count"], 1) << "device " << id;
  }
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0);
}

TEST_F(FaultAudit, ASlowNetboxDoesNotStarveSlack) {
  start_reporting(30, 36, "timeout = \"10s\"\n", "drain_timeout = \"8s\"\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  change_config(reachable[2]);
  fault({{"kind", "stall"}, {"stall_seconds", 30}, {"count", 10}, {"path", "/api/dcim/"}, {"method", "PATCH"}});
  fault({{"kind", "stall"}, {"stall_seconds", 30}, {"count", 10}, {"path", "/api/extras/"}, {"method", "POST"}});
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto messages = slack();
  ASSERT_EQ(messages.size(), 1u) << "Slack had its turn within drain_timeout";
  EXPECT_THAT(messages[0]["body"]["text"].get<std::string>(), HasSubstr("1 config(s) changed"));
  clear_faults();
}

TEST_F(FaultAudit, NoSecretLeavesNbsyncAnywhere) {
  // A second webhook that cannot be reached: its URL, secret path and all, must not show.
  const std::string dead_hook = "http://127.0.0.1:9/services/T0AUDIT/B0AUDIT/deadHookSecret4f9a";
  dir.write("dead.url", dead_hook + "\n");
  start_reporting(40, 37, "", "drain_timeout = \"3s\"\n",
                  "\n[[notify.slack]]\nname = \"dead\"\nurl_file = \"dead.url\"\n\n[log]\nlevel = \"trace\"\n");
  std::set<std::string> secrets = {k_lab_token, k_device_password,    k_enable_secret,
                                   dead_hook,   "deadHookSecret4f9a", lab->url() + "/lab/slack/ops"};
  for (auto id : reachable) {
    const json config = lab->request({"GET", "/lab/devices/" + std::to_string(id) + "/config", {}, ""}).body;
    for (const auto& secret : config["secrets"]) {
      secrets.insert(secret.get<std::string>());
    }
  }
  ASSERT_GT(secrets.size(), 20u);
  std::string seen;
  auto run = [&] {
    const auto result = run_nbsync();
    seen += result.out + result.err;
    return result.exit_code;
  };
  ASSERT_EQ(run(), 0);
  set_fault(reachable[1], "wrong_password");
  for (auto id : {reachable[2], reachable[3]}) {
    change_config(id);
  }
  ASSERT_EQ(run(), 0);
  ASSERT_EQ(run(), 0);
  EXPECT_THAT(seen, HasSubstr("Slack webhook 'dead'")) << "the failing webhook is named";
  for (const auto& args : std::vector<std::vector<std::string>>{{"status"}, {"status", "--json"}, {"changes"}}) {
    const auto result = nbsync(args);
    seen += result.out + result.err;
  }
  for (auto id : reachable) {
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"show", std::to_string(id)}, {"diff", std::to_string(id)}}) {
      seen += nbsync(args).out;  // the decompressed configs and their diffs
    }
    seen += journal(id).dump() + device(id)["custom_fields"].dump();
  }
  seen += slack().dump();
  auto database = db();
  SQLite::Statement tables(database,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'");
  while (tables.executeStep()) {
    SQLite::Statement rows(database, "SELECT * FROM \"" + tables.getColumn(0).getString() + "\"");
    while (rows.executeStep()) {
      for (int c = 0; c < rows.getColumnCount(); ++c) {
        seen += rows.getColumn(c).getString() + "\n";
      }
    }
  }
  EXPECT_THAT(seen, HasSubstr("<removed>")) << "the sweep read the configs";
  for (const auto& secret : secrets) {
    const auto at = seen.find(secret);
    EXPECT_EQ(at, std::string::npos) << "secret found: ..."
                                     << seen.substr(at == std::string::npos ? 0 : at - std::min<std::size_t>(at, 80),
                                                    160);
  }
}

TEST_F(FaultAudit, AnImpostorsKeyIsNotLeftForHostkeyAccept) {
  start_lab(20, 38);
  write_config();
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const auto victim = reachable.front();
  set_fault(victim, "host_key_rotated");  // another key than the trusted one: an impostor
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(outcomes_of_last_run().at(victim), "host_key_mismatch");
  lab->request({"DELETE", "/lab/devices/" + std::to_string(victim) + "/faults", {}, ""});
  ASSERT_EQ(run_nbsync().exit_code, 0);  // the real device again, with its trusted key
  EXPECT_EQ(outcomes_of_last_run().at(victim), "ok");
  const auto stale = nbsync({"hostkey", "accept", std::to_string(victim)});
  EXPECT_EQ(stale.exit_code, 2) << stale.out;
  EXPECT_THAT(stale.err, HasSubstr("nothing to accept"));

  // A rotation on purpose: accepted only with the fingerprint the operator checked.
  rotate_host_key(victim);
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::string real =
      lab->request({"GET", "/lab/devices/" + std::to_string(victim) + "/ssh", {}, ""}).body["host_key_fingerprint"];
  const auto wrong = nbsync({"hostkey", "accept", std::to_string(victim), "--fingerprint", "SHA256:notthisone"});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err, HasSubstr(real)) << "says which key the device presented";
  const auto right = nbsync({"hostkey", "accept", std::to_string(victim), "--fingerprint", real});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_THAT(right.out, HasSubstr("accepted ssh-ed25519 " + real));
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(outcomes_of_last_run().at(victim), "ok");
}

TEST_F(FaultAudit, MoreWorkersThanFileDescriptorsAreFittedNotFailedDevices) {
  start_lab(400, 39);
  workers = 1000;
  write_config();
  const std::string command =
      "ulimit -n 256 && exec " + k_nbsync + " run --once --json -c " + (dir / "nbsync.toml").string();
  const auto result = run_process({"/bin/bash", "-c", command}, std::chrono::seconds(240));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("ssh.workers = 1000 needs about"));
  summary = json::parse(result.out);
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << result.err;
  EXPECT_EQ(summary["failed"], 0);
  EXPECT_EQ(summary["not_backed_up"]["nbsync_out_of_file_descriptors"], 0);
}

}  // namespace
}  // namespace nbsync::test
