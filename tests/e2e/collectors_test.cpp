// Collectors sharing one PostgreSQL (issue 21): three real `nbsync daemon`s, each with its
// own [collector] name and the same zone, against one lab whose devices think for a second
// or two before their config. They split the zone's devices; one is killed with SIGKILL in
// the middle of the cycle and the two others take over what it had claimed once its lease
// ran out. Every device of the zone ends with exactly one attempt in the cycle, the lab saw
// a second session only for devices taken over, NetBox gets one journal entry per failing
// device and Slack one summary of the zone's cycle.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "storage/database.hpp"
#include "storage/detail/sql_connection.hpp"
#include "tests/e2e/notify_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

class Collectors : public NotifyFixture {
protected:
  // <name>.toml: the shared config, storage on PostgreSQL, with [collector] name = NAME.
  std::filesystem::path collector_config(const std::string& name) {
    std::ostringstream shared;
    shared << std::ifstream(dir / "nbsync.toml").rdbuf();
    dir.write(name + ".toml",
              shared.str() + "\n[collector]\nname = \"" + name + "\"\nzone = \"lab\"\nlease = \"" + lease + "\"\n");
    return dir / (name + ".toml");
  }

  std::unique_ptr<ChildProcess> start_collector(const std::string& name) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{k_nbsync, "daemon", "-c", collector_config(name).string()}, "");
  }

  std::int64_t count(const std::string& sql) { return storage::detail::query_integer(database->connection(), sql); }

  // How many devices a collector took over from others ("took over N device(s)" lines).
  static std::int64_t taken_over(const std::string& log) {
    std::int64_t taken = 0;
    const std::regex line("took over ([0-9]+) device");
    for (auto it = std::sregex_iterator(log.begin(), log.end(), line); it != std::sregex_iterator(); ++it) {
      taken += std::stoll((*it)[1].str());
    }
    return taken;
  }

  // The claims left undone, for a failure's message.
  std::string undone() {
    std::string out = "undone claims:";
    const auto rows = database->connection().query(
        "SELECT device_id, coalesce(collector, '-'), coalesce(run_id, 0) FROM device_claims WHERE done_at IS NULL");
    while (rows->next()) {
      out += " " + std::to_string(rows->integer(0)) + "/" + rows->text(1) + "/" + std::to_string(rows->integer(2));
    }
    out += "\nsessions:";
    const auto sessions = database->connection().query(
        "SELECT pid, coalesce(state, ''), coalesce(wait_event_type, ''), coalesce(wait_event, ''), "
        "coalesce(left(query, 150), ''), CAST(coalesce(extract(epoch FROM now() - xact_start), -1) AS bigint) "
        "FROM pg_stat_activity WHERE datname = current_database()");
    while (sessions->next()) {
      out += "\n  " + std::to_string(sessions->integer(0)) + " " + sessions->text(1) + " " + sessions->text(2) + "/" +
             sessions->text(3) + " xact " + std::to_string(sessions->integer(5)) + "s: " + sessions->text(4);
    }
    return out;
  }

  std::string lease = "3s";
  std::unique_ptr<storage::Database> database;
};

TEST_F(Collectors, ThreeShareAZoneAndAKilledOneLosesNoDeviceAndDoublesNone) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  dir.write("thinking.toml", "[default]\nthink_ms = [1200, 1800]\n");
  workers = 3;
  start_reporting(36, 63, "", "drain_timeout = \"10s\"\n",
                  "\n[daemon]\ninterval = \"1h\"\njitter = \"0s\"\nmetrics_listen = \"\"\n",
                  {"--timing", (dir / "thinking.toml").string()});
  const std::vector<std::int64_t> failing = {reachable.at(0), reachable.at(1)};
  for (const std::int64_t id : failing) {
    set_fault(id, "wrong_password");  // so that the cycle has something to tell Slack
  }
  const std::string uri = server->create_database();
  use_postgres(uri);
  database = std::make_unique<storage::Database>(storage::PostgresLocation{uri, {}});
  lab->request({"DELETE", "/lab/counters", {}, ""});

  auto a = start_collector("collector-a");
  auto b = start_collector("collector-b");
  auto c = start_collector("collector-c");
  // collector-a is killed once it has stored a few devices and holds others in flight.
  ASSERT_TRUE(eventually(
      [&] {
        return count(
                   "SELECT count(*) FROM attempts a JOIN runs r ON r.id = a.run_id WHERE r.collector = "
                   "'collector-a'") >= 3;
      },
      std::chrono::seconds(60)))
      << a->stderr_text() << b->stderr_text() << c->stderr_text() << undone();
  ASSERT_EQ(::kill(a->pid(), SIGKILL), 0);
  ASSERT_GT(count("SELECT count(*) FROM device_claims WHERE collector = 'collector-a' AND done_at IS NULL"), 0)
      << "collector-a died holding claims";

  const auto cycle_closed = [&] { return count("SELECT count(*) FROM zone_cycles WHERE closed_at IS NOT NULL") == 1; };
  ASSERT_TRUE(eventually(cycle_closed, std::chrono::seconds(120))) << b->stderr_text() << c->stderr_text() << undone();
  ASSERT_TRUE(eventually([&] {
    return b->stderr_text().find("daemon: last cycle:") != std::string::npos &&
           c->stderr_text().find("daemon: last cycle:") != std::string::npos;
  })) << b->stderr_text()
      << c->stderr_text();
  EXPECT_THAT(b->stderr_text(), HasSubstr("zone lab cycle 1 (collector collector-b): "));

  // Every device of the zone: one attempt in the zone's cycle (backed up, or skipped with its
  // reason), by one of the collectors.
  EXPECT_EQ(count("SELECT count(*) FROM zone_cycles"), 1) << "all three joined one cycle";
  const std::int64_t zone_devices = count("SELECT count(*) FROM devices WHERE zone = 'lab'");
  EXPECT_EQ(zone_devices, static_cast<std::int64_t>(names.size()));
  EXPECT_EQ(count("SELECT count(DISTINCT device_id) FROM attempts"), zone_devices);
  EXPECT_EQ(count("SELECT count(*) FROM attempts"), zone_devices) << "no device was backed up twice";
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome <> 'skipped'"),
            static_cast<std::int64_t>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM device_claims WHERE done_at IS NULL"), 0);
  for (const char* name : {"collector-b", "collector-c"}) {
    EXPECT_GT(
        count(std::string("SELECT count(*) FROM attempts a JOIN runs r ON r.id = a.run_id WHERE r.collector = '") +
              name + "'"),
        0)
        << name << " backed up a share";
  }

  // The lab: a second session only for a device collector-a had in flight and another took over.
  const std::int64_t taken = taken_over(b->stderr_text()) + taken_over(c->stderr_text());
  EXPECT_GT(taken, 0) << b->stderr_text() << c->stderr_text();
  const json sessions = lab->get("/lab/counters?by_device=1").body["ssh"]["sessions_by_device"];
  std::int64_t second_sessions = 0;
  for (const std::int64_t id : reachable) {
    const auto n = sessions.value(std::to_string(id), 0);
    EXPECT_GE(n, 1) << "device " << id << " never had a session";
    EXPECT_LE(n, 2) << "device " << id;
    second_sessions += n > 1 ? 1 : 0;
  }
  EXPECT_LE(second_sessions, taken) << sessions.dump();

  // NetBox and Slack: once each.
  for (const std::int64_t id : failing) {
    EXPECT_EQ(journal(id)["count"], 1) << "device " << id << ": " << journal(id).dump();
    EXPECT_EQ(device(id)["custom_fields"]["nbsync_backup_status"], "auth");
  }
  EXPECT_EQ(device(reachable.back())["custom_fields"]["nbsync_backup_status"], "ok");
  const json messages = slack();
  ASSERT_EQ(messages.size(), 1U) << messages.dump();
  const std::string text = messages[0]["body"]["text"];
  EXPECT_THAT(text, HasSubstr("zone lab cycle 1 (3 collectors)"));
  EXPECT_THAT(text, HasSubstr("2 device(s) started failing"));

  // status, from any box: each collector, its zone, its last run, whether it is alive.
  const auto status = nbsync({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("collector-b"));
  EXPECT_EQ(b->stop(), 0);
  EXPECT_EQ(c->stop(), 0);
}

// A collector that starts while its zone's cycle is done waits for the next one instead of
// opening another, and then starts with the zone's other collector, in the same cycle.
TEST_F(Collectors, ALateCollectorWaitsForTheZonesNextCycleAndSharesIt) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  start_reporting(12, 65, "", "drain_timeout = \"5s\"\n",
                  "\n[daemon]\ninterval = \"12s\"\njitter = \"0s\"\nmetrics_listen = \"\"\n");
  const std::string uri = server->create_database();
  use_postgres(uri);
  auto a = start_collector("collector-a");
  ASSERT_TRUE(eventually([&] { return a->stderr_text().find("daemon: last cycle:") != std::string::npos; }))
      << a->stderr_text();
  auto b = start_collector("collector-b");
  ASSERT_TRUE(
      eventually([&] { return b->stderr_text().find("cycle 1 (opened by collector-a) is done") != std::string::npos; },
                 std::chrono::seconds(30)))
      << b->stderr_text();
  ASSERT_TRUE(eventually(
      [&] {
        return a->stderr_text().find("zone lab cycle 2") != std::string::npos &&
               b->stderr_text().find("zone lab cycle 2") != std::string::npos;
      },
      std::chrono::seconds(40)))
      << a->stderr_text() << b->stderr_text();
  database = std::make_unique<storage::Database>(storage::PostgresLocation{uri, {}});
  EXPECT_EQ(count("SELECT count(*) FROM zone_cycles WHERE cycle > 2"), 0) << "no cycle was opened out of turn";
  EXPECT_EQ(a->stop(), 0);
  EXPECT_EQ(b->stop(), 0);
}

// One collector on the SQLite file (a box that will join others later, or a test setup):
// the claims, heartbeat and writer share the file without waiting on each other for long.
TEST_F(Collectors, ACollectorOnAnSqliteFileBacksUpItsZoneAlone) {
  start_reporting(16, 66);
  const ProcessResult once = run_process({k_nbsync, "run", "--once", "--json", "-c", collector_config("solo").string()},
                                         std::chrono::seconds(120));
  ASSERT_EQ(once.exit_code, 0) << once.err;
  const json result = json::parse(once.out);
  EXPECT_EQ(result["outcomes"]["ok"], reachable.size()) << once.out;
  EXPECT_EQ(result["zone"]["claimed"], names.size());
  EXPECT_EQ(result["zone"]["cycle"], 1);
  auto file = db();
  EXPECT_EQ(file.execAndGet("SELECT count(*) FROM zone_cycles WHERE closed_by = 'solo'").getInt(), 1);
  EXPECT_EQ(file.execAndGet("SELECT count(*) FROM device_claims WHERE done_at IS NULL").getInt(), 0);
}

// PostgreSQL restarts in the middle of a collector's cycle: the cycle ends with one clear
// error naming the database (exit 1) and what it had committed stays. The next cycle joins
// the zone's cycle still open, takes over what its own first run claimed and never stored,
// and every device ends with its version, its NetBox fields and no claim left undone.
TEST_F(Collectors, APostgresRestartMidCycleIsOneClearErrorAndTheNextCycleLosesNothing) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  dir.write("thinking.toml", "[default]\nthink_ms = [500, 800]\n");
  workers = 3;
  start_reporting(24, 64, "", "drain_timeout = \"5s\"\n", "", {"--timing", (dir / "thinking.toml").string()});
  const std::string uri = server->create_database();
  use_postgres(uri);
  const std::filesystem::path config = collector_config("collector-a");
  const std::vector<std::string> run_once = {k_nbsync, "run", "--once", "-c", config.string()};

  ProcessResult first;
  std::thread cycle([&] { first = run_process(run_once, std::chrono::seconds(120)); });
  const bool stored_some = eventually([&] {
    try {
      database = std::make_unique<storage::Database>(storage::PostgresLocation{uri, {}});
      return count("SELECT count(*) FROM attempts") >= 3;
    } catch (const std::exception&) {
      return false;  // the schema is not there yet
    }
  });
  database.reset();
  server->stop();
  server->start();
  cycle.join();
  ASSERT_TRUE(stored_some) << first.err;
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_THAT(first.err, HasSubstr(uri));
  EXPECT_THAT(first.err, HasSubstr("check that the PostgreSQL server is running"));

  database = std::make_unique<storage::Database>(storage::PostgresLocation{uri, {}});
  const std::int64_t stored_first = count("SELECT count(*) FROM attempts");
  EXPECT_LT(stored_first, static_cast<std::int64_t>(names.size())) << "the restart came before the cycle's end";
  const ProcessResult second = run_process(run_once, std::chrono::seconds(120));
  ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_THAT(second.err, HasSubstr("zone lab cycle 1 (opened by collector-a)")) << "its first run's cycle, still open";
  EXPECT_THAT(second.err, HasSubstr("took over"));
  EXPECT_EQ(count("SELECT count(*) FROM device_claims WHERE done_at IS NULL"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM zone_cycles WHERE closed_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT count(DISTINCT device_id) FROM snapshots"), static_cast<std::int64_t>(reachable.size()))
      << "every reachable device has its version";
  EXPECT_EQ(count("SELECT count(*) FROM outbox"), 0) << "NetBox and Slack were told everything";
  for (const std::int64_t id : reachable) {
    EXPECT_EQ(device(id)["custom_fields"]["nbsync_backup_status"], "ok") << "device " << id;
  }
}

}  // namespace
}  // namespace nbsync::test
