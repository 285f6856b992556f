// `nbsync db copy`'s storage side (issue 21, "Moving"): an SQLite database filled through
// the stores (the writer's runs, versions and attempts, the outbox, host keys) copied into
// a fresh database of a throwaway Debian PostgreSQL; both then answer history, diff, search,
// host keys and the outbox the same, and new rows on the target get new ids.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/config_history.hpp"
#include "storage/config_search.hpp"
#include "storage/database.hpp"
#include "storage/database_copy.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/host_key_store.hpp"
#include "storage/outbox.hpp"
#include "storage/storage_writer.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using ::testing::HasSubstr;

DeviceRecord router(std::int64_t id) {
  return {id, "edge-" + std::to_string(id), "ams1", "edge-router", "cisco-ios", "", "active", "192.0.2.1", {"core"}};
}

std::string config_of(std::int64_t id, const std::string& uplink) {
  return "hostname edge-" + std::to_string(id) + "\ninterface ge-0/0/1\n description " + uplink +
         "\n ip address 10.0.0." + std::to_string(id) + " 255.255.255.0\nend\n";
}

// One run: devices 1..3 stored with `uplink_of`'s config, device 3 failing when `fail_three`.
void store_run(Database& database, const std::function<std::string(std::int64_t)>& uplink_of, bool fail_three) {
  StorageWriter writer(database);
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value()) << writer.error().value_or("");
  ASSERT_TRUE(writer.submit_devices(*run, {router(1), router(2), router(3)}));
  for (const std::int64_t id : {1, 2, 3}) {
    AttemptRecord attempt;
    attempt.device_id = id;
    if (id == 3 && fail_three) {
      attempt.outcome = OutcomeKind::timeout;
      attempt.message = "edge-3: no answer within 20s";
    } else {
      attempt.config = config_of(id, uplink_of(id));
    }
    ASSERT_TRUE(writer.submit(*run, std::move(attempt)));
  }
  ASSERT_TRUE(writer.finish_run(*run, true).has_value()) << writer.error().value_or("");
  ASSERT_TRUE(writer.close());
}

std::int64_t count(Database& database, const std::string& table) {
  return detail::query_integer(database.connection(), "SELECT count(*) FROM " + table);
}

// The DatabaseError copy_database() fails with ("" when it copied).
std::string copy_error(Database& source, Database& target) {
  try {
    copy_database(source, target);
  } catch (const DatabaseError& e) {
    return e.what();
  }
  return "";
}

class DatabaseCopyTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string why;
    m_server = test::shared_postgres(why);
    if (m_server == nullptr) {
      GTEST_SKIP() << why;
    }
    m_uri = m_server->create_database();
  }

  // Three runs (device 1 changes twice, device 3 fails in the last), two pending outbox
  // rows, host keys: device 1 trusted, device 2 trusted with a changed key pending.
  void fill_source() {
    Database database(source_file());
    store_run(
        database, [](std::int64_t) { return std::string("uplink"); }, false);
    store_run(
        database, [](std::int64_t id) { return std::string(id == 1 ? "uplink to core-7" : "uplink"); }, false);
    store_run(
        database, [](std::int64_t id) { return std::string(id == 1 ? "uplink to core-9" : "uplink"); }, true);
    Outbox(source_file())
        .add({{"netbox", "journal", 1, R"({"comments":"edge-1 changed"})", "ref-1"},
              {"slack:ops", "message", std::nullopt, R"({"text":"1 change"})", "ref-2"}},
             1000);
    HostKeyStore keys(source_file());
    keys.verify(1, {"ssh-ed25519", "SHA256:one", "AAAAone"});
    keys.verify(2, {"ssh-ed25519", "SHA256:two", "AAAAtwo"});
    keys.verify(2, {"ssh-ed25519", "SHA256:two-new", "AAAAtwonew"});
  }

  std::filesystem::path source_file() const { return m_dir / "nbsync.db"; }
  std::unique_ptr<Database> target() const { return std::make_unique<Database>(PostgresLocation{m_uri, {}}); }

  test::TempDir m_dir;
  test::PostgresServer* m_server = nullptr;
  std::string m_uri;
};

TEST_F(DatabaseCopyTest, CopiesEveryRowAndBothAnswerTheSame) {
  fill_source();
  Database source(source_file());
  const auto copied = target();
  std::map<std::string, std::int64_t> progress;  // each table's last "copied so far"
  std::int64_t to_index = -1;
  CopyObserver observer;
  observer.rows = [&](const CopyProgress& now) {
    EXPECT_LE(now.copied, now.total) << now.table;
    progress[now.table] = now.copied;
  };
  observer.indexing = [&](std::int64_t devices) { to_index = devices; };
  const DatabaseCopy copy = copy_database(source, *copied, observer);
  EXPECT_EQ(progress["snapshots"], 5);
  EXPECT_EQ(to_index, 3);

  std::map<std::string, std::int64_t> rows;
  for (const CopiedTable& table : copy.tables) {
    rows[table.table] = table.rows;
    EXPECT_EQ(table.rows, count(source, table.table)) << table.table;
    EXPECT_EQ(table.rows, count(*copied, table.table)) << table.table;
  }
  EXPECT_EQ(rows["runs"], 3);
  EXPECT_EQ(rows["devices"], 3);
  EXPECT_EQ(rows["attempts"], 9);
  EXPECT_EQ(rows["snapshots"], 5) << "three first versions and device 1's two changes";
  EXPECT_EQ(rows["outbox"], 2);
  EXPECT_EQ(rows["host_keys"], 3);
  EXPECT_EQ(rows["device_states"], 3);
  EXPECT_GE(rows["blobs"], 5);
  EXPECT_EQ(rows.count("search_index_state"), 0U) << "derived: built on the target instead";
  EXPECT_EQ(rows.count("nbsync_meta"), 0U);
  EXPECT_TRUE(copy.columns_not_in_target.empty());

  ConfigHistory before(source);
  ConfigHistory after(*copied);
  for (const std::int64_t device : {1, 2, 3}) {
    const std::vector<ConfigVersion> old_versions = before.versions(device);
    const std::vector<ConfigVersion> new_versions = after.versions(device);
    ASSERT_EQ(old_versions.size(), new_versions.size()) << device;
    for (std::size_t i = 0; i < old_versions.size(); ++i) {
      EXPECT_EQ(old_versions[i].sha256, new_versions[i].sha256);
      EXPECT_EQ(old_versions[i].taken_at, new_versions[i].taken_at);
      EXPECT_EQ(before.text(old_versions[i]), after.text(new_versions[i]));
    }
  }
  const std::vector<ConfigVersion> edge1 = after.versions(1);
  ASSERT_EQ(edge1.size(), 3U);
  EXPECT_EQ(after.diff(edge1[1], edge1[2]).text, before.diff(before.versions(1)[1], before.versions(1)[2]).text);
  EXPECT_THAT(after.diff(edge1[1], edge1[2]).text, HasSubstr("+ description uplink to core-9"));

  EXPECT_EQ(copy.devices_indexed, 3);
  EXPECT_EQ(count(*copied, "search_index_pending"), 0) << "every device indexed on the target";
  std::vector<std::string> found;
  const ConfigScan scan = ConfigSearch(*copied).scan({"core-9"}, {}, [&](const LatestConfig& latest) {
    found.push_back(latest.device.name);
    return true;
  });
  EXPECT_TRUE(scan.narrowed) << "the target's trigram index answered";
  EXPECT_EQ(found, std::vector<std::string>{"edge-1"});

  HostKeyStore keys(PostgresLocation{m_uri, {}});
  EXPECT_EQ(keys.trusted_key(1).value_or(HostKey{}).fingerprint, "SHA256:one");
  EXPECT_EQ(keys.pending_key(2).value_or(HostKey{}).fingerprint, "SHA256:two-new");
  Outbox outbox(PostgresLocation{m_uri, {}});
  const std::vector<OutboxEntry> due = outbox.due("netbox", 2000, 10);
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].payload, R"({"comments":"edge-1 changed"})");
  EXPECT_EQ(due[0].dedupe_key, "ref-1");
}

// The target's id sequences start past the copied ids: a cycle on the target after the copy
// stores its run, attempts and versions beside the copied ones.
TEST_F(DatabaseCopyTest, NewRowsOnTheTargetGetNewIds) {
  fill_source();
  Database source(source_file());
  const auto copied = target();
  copy_database(source, *copied);
  const std::int64_t runs = count(*copied, "runs");
  store_run(
      *copied, [](std::int64_t) { return std::string("uplink to core-11"); }, false);
  EXPECT_EQ(count(*copied, "runs"), runs + 1);
  EXPECT_EQ(detail::query_integer(copied->connection(), "SELECT max(id) FROM runs"), runs + 1);
  EXPECT_EQ(ConfigHistory(*copied).versions(2).size(), 2U);
  HostKeyStore keys(PostgresLocation{m_uri, {}});
  EXPECT_EQ(keys.verify(3, {"ssh-ed25519", "SHA256:three", "AAAAthree"}), HostKeyVerdict::trusted_first_use);
}

TEST_F(DatabaseCopyTest, RefusesATargetThatHoldsData) {
  fill_source();
  Database source(source_file());
  const auto copied = target();
  copy_database(source, *copied);
  const std::string error = copy_error(source, *copied);
  EXPECT_THAT(error, HasSubstr("not empty"));
  EXPECT_THAT(error, HasSubstr("3 rows in runs"));
  EXPECT_THAT(error, HasSubstr("Moving to PostgreSQL"));
  EXPECT_EQ(count(*copied, "runs"), 3) << "nothing was copied twice";
}

// A value PostgreSQL refuses (text that is not UTF-8) fails the copy of its table: one
// error naming the table, and the target keeps nothing, so the copy can simply run again.
TEST_F(DatabaseCopyTest, AFailedCopyLeavesTheTargetEmpty) {
  fill_source();
  Database source(source_file());
  source.connection().execute("UPDATE outbox SET last_error = CAST(x'ff' AS TEXT) WHERE dedupe_key = 'ref-2'");
  const auto copied = target();
  const std::string error = copy_error(source, *copied);
  EXPECT_THAT(error, HasSubstr("copying table outbox"));
  EXPECT_THAT(error, HasSubstr("nothing was committed"));
  EXPECT_EQ(count(*copied, "runs"), 0);
  EXPECT_EQ(count(*copied, "snapshots"), 0);

  source.connection().execute("UPDATE outbox SET last_error = '' WHERE dedupe_key = 'ref-2'");
  copy_database(source, *copied);
  EXPECT_EQ(count(*copied, "outbox"), 2);
  EXPECT_EQ(count(*copied, "snapshots"), count(source, "snapshots"));
}

// Text with a NUL byte, which PostgreSQL's text cannot hold, is refused, not copied short.
TEST_F(DatabaseCopyTest, RefusesTextPostgresWouldCutShort) {
  fill_source();
  Database source(source_file());
  source.connection().execute("UPDATE outbox SET last_error = 'a' || char(0) || 'b' WHERE dedupe_key = 'ref-2'");
  const auto copied = target();
  const std::string error = copy_error(source, *copied);
  EXPECT_THAT(error, HasSubstr("table outbox"));
  EXPECT_THAT(error, HasSubstr("column last_error"));
  EXPECT_EQ(count(*copied, "outbox"), 0);
}

// A table whose rows name rows of the same table (a delta blob names its base) is copied
// base first, whatever order the source stored them in.
TEST_F(DatabaseCopyTest, ARowIsCopiedAfterTheRowItNames) {
  Database source(source_file());
  detail::SqlConnection& sql = source.connection();
  sql.begin();
  sql.execute("PRAGMA defer_foreign_keys = ON");
  sql.execute(
      "INSERT INTO blobs (sha256, size, codec, base_sha256, content, depth) VALUES ('c', 1, 'x', 'b', x'03', 2)");
  sql.execute(
      "INSERT INTO blobs (sha256, size, codec, base_sha256, content, depth) VALUES ('b', 1, 'x', 'a', x'02', 1)");
  sql.execute(
      "INSERT INTO blobs (sha256, size, codec, base_sha256, content, depth) VALUES ('a', 1, 'x', NULL, x'01', 0)");
  sql.commit();
  const auto copied = target();
  copy_database(source, *copied);
  EXPECT_EQ(count(*copied, "blobs"), 3);
  const auto content = copied->connection().query("SELECT content FROM blobs WHERE sha256 = 'c'");
  ASSERT_TRUE(content->next());
  EXPECT_EQ(content->blob(0), std::string("\x03"));
}

TEST_F(DatabaseCopyTest, CopiesOnlyFromSqliteIntoPostgres) {
  Database source(source_file());
  const auto copied = target();
  EXPECT_THROW(copy_database(*copied, source), DatabaseError);
}

}  // namespace
}  // namespace nbsync::storage
