// The read commands against PostgreSQL (issue 21, "reads from anywhere"): the real `nbsync`
// binary with storage.database = "postgresql://...", on a database that nbsync's own storage
// writer filled (two runs, one device changed between them) on a throwaway Debian
// PostgreSQL (tests/e2e/postgres_cycle_test.cpp fills one with real cycles).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/database.hpp"
#include "storage/storage_writer.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::test {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

const std::string k_nbsync = std::string(NBSYNC_BINARY_DIR) + "/nbsync";

storage::DeviceRecord router(std::int64_t id) {
  return {id, "edge-" + std::to_string(id), "ams1", "edge-router", "cisco-ios", "", "active", "192.0.2.1", {}};
}

// One run: every device backed up with the config `config_of` gives it.
void store_run(storage::Database& database, const std::function<std::string(std::int64_t)>& config_of) {
  storage::StorageWriter writer(database);
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value()) << writer.error().value_or("");
  ASSERT_TRUE(writer.submit_devices(*run, {router(1), router(2)}));
  for (const std::int64_t id : {1, 2}) {
    storage::AttemptRecord attempt;
    attempt.device_id = id;
    attempt.config = config_of(id);
    ASSERT_TRUE(writer.submit(*run, std::move(attempt)));
  }
  ASSERT_TRUE(writer.finish_run(*run, true).has_value()) << writer.error().value_or("");
  ASSERT_TRUE(writer.close());
}

TEST(PostgresReads, TheReadCommandsReadWhatWasStoredInPostgres) {
  std::string why;
  PostgresServer* server = shared_postgres(why);
  if (server == nullptr) {
    GTEST_SKIP() << why;
  }
  const std::string uri = server->create_database();
  {
    storage::Database database(storage::PostgresLocation{uri, {}});
    store_run(database, [](std::int64_t id) {
      return "hostname edge-" + std::to_string(id) + "\ninterface ge-0/0/1\n description uplink\nend\n";
    });
    store_run(database, [](std::int64_t id) {
      return "hostname edge-" + std::to_string(id) + "\ninterface ge-0/0/1\n description " +
             (id == 1 ? "uplink to core-9" : "uplink") + "\nend\n";
    });
  }
  TempDir dir;
  dir.write("netbox.token", std::string(40, 'a') + "\n");
  dir.write("device.password", "pw\n");
  const auto config = dir.write("nbsync.toml",
                                "[netbox]\nurl = \"http://127.0.0.1:9\"\ntoken_file = \"netbox.token\"\n"
                                "[credentials]\nusername = \"u\"\npassword_file = \"device.password\"\n"
                                "[storage]\ndatabase = \"" +
                                    uri + "\"\n");
  const auto nbsync = [&](std::vector<std::string> args) {
    args.insert(args.begin(), k_nbsync);
    args.insert(args.end(), {"-c", config.string()});
    return run_process(args);
  };

  const auto history = nbsync({"history", "edge-1", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto versions = json::parse(history.out, nullptr, false);
  ASSERT_TRUE(versions.is_object()) << history.out;
  EXPECT_EQ(versions["versions"].size(), 2U) << history.out;
  const auto diff = nbsync({"diff", "edge-1", "1", "2"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_THAT(diff.out, HasSubstr("+ description uplink to core-9"));
  const auto show = nbsync({"show", "edge-2"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("hostname edge-2"));
  const auto search = nbsync({"search", "core-9", "--json"});
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("edge-1"));
  EXPECT_THAT(search.out, ::testing::Not(HasSubstr("edge-2")));
  const auto changes = nbsync({"changes", "--since", "1h", "--json"});
  ASSERT_EQ(changes.exit_code, 0) << changes.err;
  const auto changed = json::parse(changes.out, nullptr, false);
  ASSERT_TRUE(changed.is_object()) << changes.out;
  ASSERT_EQ(changed["devices"].size(), 1U) << changes.out;
  EXPECT_EQ(changed["devices"][0]["id"], 1);
  const auto status = nbsync({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr("postgresql://"));
}

// A PostgreSQL nobody answers at: one clear error naming where it looked, exit 1, no crash.
TEST(PostgresReads, AnUnreachableServerIsOneClearError) {
  TempDir dir;
  dir.write("netbox.token", std::string(40, 'a') + "\n");
  dir.write("device.password", "pw\n");
  dir.write("db.password", "pg-s3cret\n");
  const auto config = dir.write("nbsync.toml",
                                "[netbox]\nurl = \"http://127.0.0.1:9\"\ntoken_file = \"netbox.token\"\n"
                                "[credentials]\nusername = \"u\"\npassword_file = \"device.password\"\n"
                                "[storage]\ndatabase = \"postgresql://nbsync@127.0.0.1:1/nbsync\"\n"
                                "database_password_file = \"db.password\"\n");
  const auto history = run_process({k_nbsync, "history", "edge-1", "-c", config.string()});
  EXPECT_EQ(history.exit_code, 1) << history.err;
  EXPECT_THAT(history.err, HasSubstr("127.0.0.1"));
  EXPECT_THAT(history.err, ::testing::Not(HasSubstr("pg-s3cret")));
}

}  // namespace
}  // namespace nbsync::test
