// `nbsync daemon` as systemd runs it: scheduled cycles against the lab, /metrics scraped
// and parsed, SIGHUP with a good and a bad config, SIGTERM in the middle of a cycle.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include "http/http_client.hpp"
#include "tests/daemon/prometheus_text.hpp"
#include "tests/e2e/cycle_fixture.hpp"

namespace nbsync::test {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

class Daemon : public CycleFixture {
protected:
  // [daemon] settings for a test: short interval, metrics on a free port.
  static std::string daemon_table(const std::string& interval, const std::string& grace = "10s") {
    return "\n[daemon]\ninterval = \"" + interval + "\"\njitter = \"0s\"\nshutdown_grace = \"" + grace +
           "\"\nmetrics_listen = \"127.0.0.1:0\"\n";
  }

  void start_daemon() {
    daemon = std::make_unique<ChildProcess>(
        std::vector<std::string>{k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()}, "");
  }

  std::string metrics_url() {
    std::smatch match;
    std::string log;
    EXPECT_TRUE(eventually(
        [&] {
          log = daemon->stderr_text();
          return std::regex_search(log, match, std::regex("metrics on (http://127\\.0\\.0\\.1:[0-9]+/metrics)"));
        },
        30s))
        << log;
    return match.size() > 1 ? match[1].str() : "";
  }

  PrometheusText scrape(const std::string& url) {
    http::HttpClient client;
    const auto response = client.send({"GET", url, {}, ""});
    EXPECT_EQ(response.status, 200) << response.error;
    EXPECT_THAT(response.headers.count("content-type") ? response.headers.at("content-type") : "",
                HasSubstr("text/plain; version=0.0.4"));
    return parse_prometheus_text(response.body);
  }

  std::unique_ptr<ChildProcess> daemon;
};

TEST_F(Daemon, RunsCyclesOnScheduleAndPublishesMetrics) {
  start_lab(20, 51);
  write_config("", "", daemon_table("2s"));
  start_daemon();
  const std::string url = metrics_url();
  ASSERT_FALSE(url.empty());
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 2; })) << daemon->stderr_text();

  PrometheusText metrics;
  ASSERT_TRUE(eventually(
      [&] {
        metrics = scrape(url);
        return metrics.value("nbsync_cycles_total", {{"result", "completed"}}).value_or(0) >= 2;
      },
      30s))
      << daemon->stderr_text();
  EXPECT_EQ(metrics.value("nbsync_devices", {{"outcome", "ok"}}), static_cast<double>(reachable.size()));
  EXPECT_GE(metrics.value("nbsync_backups_total", {{"outcome", "ok"}}).value_or(0), 2.0 * reachable.size());
  EXPECT_GT(metrics.value("nbsync_config_bytes_read_total").value_or(0), 0);
  EXPECT_EQ(metrics.value("nbsync_config_changes_total"), static_cast<double>(reachable.size()));
  EXPECT_GT(metrics.value("nbsync_last_cycle_success_timestamp_seconds").value_or(0), 1.7e9);
  EXPECT_GT(metrics.value("nbsync_cycle_duration_seconds").value_or(0), 0);
  EXPECT_EQ(metrics.value("nbsync_up"), 1);
  EXPECT_EQ(metrics.type.at("nbsync_backups_total"), "counter");

  // Started cycles are about the interval apart; never two at once.
  auto database = db();
  SQLite::Statement runs(database, "SELECT started_at, finished_at FROM runs ORDER BY id");
  std::int64_t previous_finish = 0;
  while (runs.executeStep()) {
    if (!runs.getColumn(1).isNull()) {
      EXPECT_GE(runs.getColumn(0).getInt64(), previous_finish);
      previous_finish = runs.getColumn(1).getInt64();
    }
  }
  EXPECT_EQ(daemon->stop(), 0) << daemon->stderr_text();
  EXPECT_THAT(daemon->stderr_text(), ::testing::Not(HasSubstr(k_device_password)));
}

TEST_F(Daemon, ReloadKeepsTheRunningConfigWhenTheNewOneIsBad) {
  start_lab(10, 52);
  write_config("", "", daemon_table("1h"));
  start_daemon();
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 1; })) << daemon->stderr_text();

  // A broken file: one line says why, the daemon keeps running on the old config.
  std::ifstream file(dir / "nbsync.toml");
  const std::string good((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  dir.write("nbsync.toml", good + "\n[daemon.oops\n");
  ASSERT_EQ(kill(daemon->pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return daemon->stderr_text().find("reload refused") != std::string::npos; }, 20s));
  EXPECT_THAT(daemon->stderr_text(), HasSubstr("nbsync.toml:"));
  EXPECT_EQ(kill(daemon->pid(), 0), 0) << "the daemon must survive a bad reload";

  // A good file with a short interval: the next cycle comes soon instead of in an hour.
  write_config("", "", daemon_table("2s"));
  ASSERT_EQ(kill(daemon->pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return daemon->stderr_text().find("reloaded") != std::string::npos; }, 20s));
  EXPECT_TRUE(eventually([&] { return finished_runs() >= 2; }, 30s)) << daemon->stderr_text();
  EXPECT_EQ(daemon->stop(), 0);
}

TEST_F(Daemon, ARulesFileBrokenBetweenCyclesStopsTheChecksNotTheBackups) {
  start_lab(12, 54);
  const std::string rules = "[[rule]]\nname = \"has-hostname\"\nmust_match = [\"^ *host-?name \"]\n";
  // Written whole, then renamed into place, so that a cycle never reads it half written.
  const auto replace_rules = [&](const std::string& text) {
    dir.write("rules.toml.new", text);
    std::filesystem::rename(dir / "rules.toml.new", dir / "rules.toml");
  };
  replace_rules(rules);
  write_config("", "", daemon_table("2s") + "\n[compliance]\nrules = \"rules.toml\"\n");
  start_daemon();
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 1; })) << daemon->stderr_text();
  const int verdicts = count("SELECT count(*) FROM device_states WHERE compliance = 'pass'");
  EXPECT_EQ(verdicts, static_cast<int>(reachable.size()));

  replace_rules(rules + "must_not_match = [\"(unclosed\"]\n");
  const int before = finished_runs();
  ASSERT_TRUE(eventually([&] { return finished_runs() >= before + 2; })) << daemon->stderr_text();
  const std::string log = daemon->stderr_text();
  EXPECT_THAT(log, HasSubstr("rules.toml:4"));
  EXPECT_THAT(log, HasSubstr("backing up without checking compliance this cycle"));
  // Every device was still backed up, and kept its verdict.
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome = 'ok' AND run_id = (SELECT max(id) FROM runs "
                  "WHERE finished_at IS NOT NULL)"),
            static_cast<int>(reachable.size()));
  EXPECT_EQ(count("SELECT count(*) FROM device_states WHERE compliance = 'pass'"), verdicts);
  EXPECT_EQ(kill(daemon->pid(), 0), 0) << "the daemon keeps running";

  // Fixed (with one more rule): the next cycle checks again with the new rules.
  replace_rules(rules + "\n[[rule]]\nname = \"no-telnet\"\nmust_not_match = [\"^ *transport input telnet\"]\n");
  ASSERT_TRUE(eventually([&] { return count("SELECT count(*) FROM compliance_results WHERE rule = 'no-telnet'") > 0; }))
      << daemon->stderr_text();
  EXPECT_EQ(daemon->stop(), 0);
}

TEST_F(Daemon, TermMidCycleExitsZeroWithinTheGraceAndLosesNothing) {
  start_lab(40, 53);
  // Slow devices (2.5 KB/s) keep the cycle busy well past the grace period.
  const auto ios = reachable_on("cisco-ios");
  ASSERT_GE(ios.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    set_fault(ios[i], "trickle");
  }
  write_config("", "", daemon_table("1h", "2s"));
  start_daemon();
  ASSERT_TRUE(eventually([&] { return daemon->stderr_text().find("run 1 started") != std::string::npos; }, 30s));
  std::this_thread::sleep_for(1500ms);  // the fast devices finish, the slow ones are in flight

  const auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(daemon->pid(), SIGTERM), 0);
  const int code = daemon->stop(30s);
  const auto took = std::chrono::steady_clock::now() - sent;
  const std::string log = daemon->stderr_text();
  EXPECT_EQ(code, 0) << log;
  // Grace 2 s + the 200 ms read check + writer and outbox; far below the 16 s a slow device needs.
  EXPECT_LT(took, 10s) << log;
  EXPECT_THAT(log, HasSubstr("shutdown_grace passed"));

  // Nothing lost: the run is closed, every finished device is stored, nothing of the
  // abandoned ones was recorded as a failure, and the database is intact.
  auto database = db();
  EXPECT_EQ(database.execAndGet("PRAGMA integrity_check").getString(), "ok");
  EXPECT_EQ(count("SELECT count(*) FROM runs WHERE finished_at IS NULL"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome = 'ok'"), count("SELECT count(*) FROM snapshots"));
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE outcome = 'timeout'"), 0);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE device_id = " + std::to_string(ios[i])), 0);
  }
  // The next run picks up where this one stopped.
  for (std::size_t i = 0; i < 4; ++i) {
    ASSERT_EQ(lab->request({"DELETE", "/lab/devices/" + std::to_string(ios[i]) + "/faults", {}, ""}).status, 200);
  }
  ASSERT_EQ(run_nbsync().exit_code, 0);
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size());
}

TEST_F(Daemon, TellsSystemdReadyStatusWatchdogAndStopping) {
  start_lab(10, 55);
  write_config("", "", daemon_table("1h"));
  // A notify socket like systemd's, in the test's directory.
  const std::string socket_path = (dir / "notify.sock").string();
  const int listener = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof address.sun_path, "%s", socket_path.c_str());
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  setenv("NOTIFY_SOCKET", socket_path.c_str(), 1);
  setenv("WATCHDOG_USEC", "1000000", 1);
  start_daemon();
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");

  std::string received;
  const auto read_messages = [&] {
    char buffer[4096];
    pollfd ready{listener, POLLIN, 0};
    while (poll(&ready, 1, 100) > 0) {
      const auto n = recv(listener, buffer, sizeof buffer, 0);
      if (n <= 0) {
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n)).append("\n");
    }
  };
  EXPECT_TRUE(eventually(
      [&] {
        read_messages();
        return received.find("STATUS=last cycle:") != std::string::npos &&
               received.find("WATCHDOG=1") != std::string::npos;
      },
      60s))
      << received << daemon->stderr_text();
  EXPECT_THAT(received, HasSubstr("READY=1"));
  EXPECT_EQ(daemon->stop(), 0);
  read_messages();
  EXPECT_THAT(received, HasSubstr("STOPPING=1"));
  close(listener);
}

TEST_F(Daemon, RetriesTheOutboxBetweenCyclesSoNetboxCatchesUpBeforeTheNextCycle) {
  start_lab(10, 56);
  write_config("", "", daemon_table("1h") + "\n[notify]\ndrain_timeout = \"2s\"\nretry_interval = \"1s\"\n");
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);
  // NetBox answers 503 to the first custom-field writes: the cycle leaves them in the outbox.
  fault({{"kind", "status"}, {"status", 503}, {"count", 3}, {"path", "/api/dcim/devices/"}, {"method", "PATCH"}});
  start_daemon();
  ASSERT_TRUE(eventually([&] { return finished_runs() >= 1; })) << daemon->stderr_text();
  // Well before the next cycle (an hour away), the retry delivers them.
  const auto device = [&] { return lab->get("/api/dcim/devices/" + std::to_string(reachable[0]) + "/").body; };
  EXPECT_TRUE(eventually([&] { return device()["custom_fields"]["nbsync_backup_status"] == "ok"; }, 40s))
      << daemon->stderr_text();
  EXPECT_TRUE(eventually([&] { return count("SELECT count(*) FROM outbox") == 0; }, 20s));
  EXPECT_EQ(finished_runs(), 1);
  EXPECT_EQ(daemon->stop(), 0);
}

TEST_F(Daemon, ABadConfigAtStartIsOneLineAndExitTwo) {
  start_lab(3, 54);
  write_config("", "", "\n[daemon]\ninterval = \"0s\"\n");
  const auto result = run_process({k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("daemon.interval"));

  // A database in a directory that does not exist: refused at start, not at every cycle.
  std::ifstream file(dir / "nbsync.toml");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const auto swap = [&text](const std::string& from, const std::string& to) {
    ASSERT_NE(text.find(from), std::string::npos) << from;
    text.replace(text.find(from), from.size(), to);
  };
  swap("interval = \"0s\"", "interval = \"1h\"");
  swap("database = \"nbsync.db\"", "database = \"gone/nbsync.db\"");
  dir.write("nbsync.toml", text);
  const auto missing = run_process({k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_THAT(missing.err, HasSubstr("gone: the database directory does not exist (storage.database)"));
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
}

}  // namespace
}  // namespace nbsync::test
