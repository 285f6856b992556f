// `nbsync db copy` (issue 21, "Moving"), on a database made by real cycles: the real
// `nbsync run --once` twice against the real lab into SQLite (a config changed in between,
// its journal entry left pending while NetBox refuses it), then `nbsync db copy --to` a
// fresh database of a throwaway Debian PostgreSQL. The read commands answer the same from
// both, the next cycle on PostgreSQL delivers the copied pending entry once, and a second
// copy into the same database is refused. A password in --to is refused without echoing it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "tests/e2e/cycle_fixture.hpp"
#include "tests/support/postgres_server.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DbCopy : public CycleFixture {
protected:
  // What the read commands print about `device`, as a user compares them.
  std::vector<std::string> answers(std::int64_t device) {
    const std::string id = std::to_string(device);
    std::vector<std::string> out;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{{"history", id, "--json"},
                                                                                      {"show", id},
                                                                                      {"show", id, "--version", "1"},
                                                                                      {"diff", id},
                                                                                      {"search", names[device]}}) {
      const ProcessResult result = nbsync(args);
      EXPECT_EQ(result.exit_code, 0) << args[0] << ": " << result.err;
      out.push_back(result.out);
    }
    json changes = json::parse(nbsync({"changes", "--since", "1h", "--json"}).out, nullptr, false);
    EXPECT_TRUE(changes.is_object());
    changes.erase("since");  // an hour before each call: a second may pass between the two
    changes.erase("since_unix");
    out.push_back(changes.dump(2));
    json status = json::parse(nbsync({"status", "--json"}).out, nullptr, false);
    EXPECT_TRUE(status.is_object());
    status.erase("database");  // the file, then the URI
    for (json& channel : status["outbox"]) {
      channel.erase("oldest_age_seconds");  // a second may pass between the two
    }
    out.push_back(status.dump(2));
    return out;
  }
};

TEST_F(DbCopy, ACopyOfRealCyclesAnswersAsTheSqliteDatabaseDid) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  start_lab(10, 51);
  write_config("", "", "\n[notify]\ndrain_timeout = \"2s\"\n");
  ASSERT_EQ(run_nbsync().exit_code, 0);
  const std::int64_t device = reachable.front();
  change_config(device);
  // 429: not sent, so not to be looked up before a resend (a 5xx would hold it back a while).
  fault({{"kind", "status"}, {"status", 429}, {"count", 1000}, {"path", "/api/extras/journal-entries/"}});
  const auto second = run_nbsync();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  ASSERT_EQ(summary["changed"], 1) << second.out;
  ASSERT_GT(count("SELECT count(*) FROM outbox WHERE kind = 'journal'"), 0) << "the change's journal entry waits";
  const std::vector<std::string> from_sqlite = answers(device);
  EXPECT_THAT(from_sqlite[3], HasSubstr("@@")) << "diff shows the change";

  const std::string uri = server->create_database();
  const auto copy = nbsync({"db", "copy", "--to", uri});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  EXPECT_THAT(copy.out, HasSubstr("snapshots"));
  EXPECT_THAT(copy.out, HasSubstr("host_keys"));
  EXPECT_THAT(copy.out, HasSubstr("outbox"));
  EXPECT_THAT(copy.out, HasSubstr("row counts checked"));
  EXPECT_THAT(copy.out, HasSubstr("search index built for " + std::to_string(reachable.size()) + " devices"));

  use_postgres(uri);
  const std::vector<std::string> from_postgres = answers(device);
  ASSERT_EQ(from_postgres.size(), from_sqlite.size());
  for (std::size_t i = 0; i < from_sqlite.size(); ++i) {
    EXPECT_EQ(from_postgres[i], from_sqlite[i]) << "answer " << i;
  }

  // A cycle on the copy: new ids after the copied ones, and the pending entry goes out once.
  lab->request({"DELETE", "/lab/faults", {}, ""});
  const auto third = run_nbsync();
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(summary["notify"]["waiting"], 0) << summary.dump();
  const auto journal = lab->get("/api/extras/journal-entries/?assigned_object_type=dcim.device&assigned_object_id=" +
                                std::to_string(device))
                           .body;
  EXPECT_EQ(journal["count"], 1) << journal.dump();
  const auto history = json::parse(nbsync({"history", std::to_string(device), "--json"}).out, nullptr, false);
  EXPECT_EQ(history["versions"].size(), 2U) << history.dump();

  const auto again = nbsync({"db", "copy", "--to", uri, "--from", (dir / "nbsync.db").string()});
  EXPECT_EQ(again.exit_code, 1) << again.err;
  EXPECT_THAT(again.err, HasSubstr("not empty"));
  EXPECT_THAT(again.err, HasSubstr("rows in runs"));
  EXPECT_EQ(std::count(again.err.begin(), again.err.end(), '\n'), 1) << again.err;
}

// Refusals before anything is copied: one line each, never the password.
TEST(DbCopyRefusals, APasswordInTheUriOrAServerNobodyAnswersAt) {
  TempDir dir;
  storage::Database(dir / "nbsync.db");
  const std::string from = (dir / "nbsync.db").string();
  const auto in_uri = run_process(
      {k_nbsync, "db", "copy", "--to", "postgresql://nbsync:hunter2secret@127.0.0.1:1/nbsync", "--from", from});
  EXPECT_EQ(in_uri.exit_code, 2);
  EXPECT_THAT(in_uri.err, HasSubstr("carries a password"));
  EXPECT_THAT(in_uri.err, HasSubstr("--to-password-file"));
  EXPECT_THAT(in_uri.err, Not(HasSubstr("hunter2secret")));

  dir.write("pg.password", "pg-s3cret\n");
  const auto unreachable = run_process({k_nbsync, "db", "copy", "--to", "postgresql://nbsync@127.0.0.1:1/nbsync",
                                        "--to-password-file", (dir / "pg.password").string(), "--from", from});
  EXPECT_EQ(unreachable.exit_code, 1);
  EXPECT_THAT(unreachable.err, HasSubstr("127.0.0.1:1"));
  EXPECT_THAT(unreachable.err, HasSubstr("cannot connect"));
  EXPECT_THAT(unreachable.err, Not(HasSubstr("pg-s3cret")));

  const auto missing = run_process({k_nbsync, "db", "copy", "--to", "postgresql://nbsync@127.0.0.1:1/nbsync", "--from",
                                    (dir / "absent.db").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("absent.db does not exist"));
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.db")) << "no empty database made in its place";
}

}  // namespace
}  // namespace nbsync::test
