// A cycle into PostgreSQL (issue 21): the real `nbsync run --once` against the real lab with
// storage.database = "postgresql://..." on a throwaway Debian PostgreSQL. Every reachable
// device is stored there, NetBox's custom fields and journal entries go out through the
// outbox on PostgreSQL, a second cycle stores only what changed, and the read commands see it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "http/http_client.hpp"
#include "tests/e2e/cycle_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;

class PostgresCycle : public CycleFixture {};

TEST_F(PostgresCycle, ACycleStoresIntoPostgresAndTellsNetbox) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  start_lab(12, 47);
  write_config();
  use_postgres(server->create_database());
  ASSERT_EQ(nbsync({"netbox-setup"}).exit_code, 0);

  const auto first = run_nbsync();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(summary["outcomes"]["ok"], reachable.size()) << first.out;
  EXPECT_EQ(summary["changed"], reachable.size());
  EXPECT_EQ(summary["notify"]["waiting"], 0) << summary.dump();
  EXPECT_FALSE(std::filesystem::exists(dir / "nbsync.db")) << "nothing went to a file";
  const std::int64_t device = reachable.front();
  const auto shown = lab->get("/api/dcim/devices/" + std::to_string(device) + "/").body;
  EXPECT_EQ(shown["custom_fields"]["nbsync_backup_status"], "ok") << shown["custom_fields"].dump();

  change_config(device);
  const auto second = run_nbsync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(summary["changed"], 1) << second.out;
  const auto journal = lab->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" +
                                std::to_string(device))
                           .body;
  EXPECT_GE(journal["count"].get<int>(), 1) << "the change's journal entry went out through the outbox";

  const auto history = nbsync({"history", std::to_string(device), "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(json::parse(history.out)["versions"].size(), 2U) << history.out;
  const auto status = nbsync({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("postgresql://"));
}

// The daemon on PostgreSQL, its viewer too: its first cycle stores every device there and
// the viewer it serves reads them.
TEST_F(PostgresCycle, TheDaemonAndItsViewerUsePostgres) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  start_lab(8, 48);
  write_config(
      "", "",
      "\n[web]\nlisten = \"127.0.0.1:0\"\n\n[daemon]\ninterval = \"1h\"\njitter = \"0s\"\nmetrics_listen = \"\"\n");
  use_postgres(server->create_database());
  ChildProcess daemon({k_nbsync, "daemon", "-c", (dir / "nbsync.toml").string()}, "");
  ASSERT_TRUE(eventually([&] { return daemon.stderr_text().find("daemon: last cycle:") != std::string::npos; }))
      << daemon.stderr_text();
  EXPECT_THAT(daemon.stderr_text(), HasSubstr(std::to_string(reachable.size()) + " ok"));
  std::smatch match;
  const std::string log = daemon.stderr_text();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("web: serving (http://127\\.0\\.0\\.1:[0-9]+)/"))) << log;
  http::HttpClient client;
  const auto signed_in = client.send({"POST",
                                      match[1].str() + "/sign-in",
                                      {{"Content-Type", "application/x-www-form-urlencoded"}},
                                      "token=" + k_lab_token + "&next=%2F"});
  ASSERT_EQ(signed_in.status, 303) << signed_in.body;
  const std::string cookie = signed_in.header("set-cookie").value_or("");
  const auto page = client.send({"GET",
                                 match[1].str() + "/api/devices/" + std::to_string(reachable.front()),
                                 {{"Cookie", cookie.substr(0, cookie.find(';'))}},
                                 ""});
  EXPECT_EQ(page.status, 200) << page.body;
  EXPECT_THAT(page.body, HasSubstr("\"versions\""));
  EXPECT_EQ(daemon.stop(), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "nbsync.db"));
}

}  // namespace
}  // namespace nbsync::test
