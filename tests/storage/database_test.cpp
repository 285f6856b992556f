#include "storage/database.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/detail/sql_connection.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using ::testing::HasSubstr;

TEST(Database, OpensSqliteInWalMode) {
  test::TempDir dir;
  Database db(dir / "nbsync.db");
  EXPECT_EQ(db.sqlite().execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST(Database, UnwritableLocationNamesTheFile) {
  EXPECT_THROW(Database("/nonexistent-dir/nbsync.db"), DatabaseError);
}

using DatabaseTest = test_support::BackendTest;

TEST_P(DatabaseTest, CreatesMigratesAndReopens) {
  {
    const auto db = open_database();
    EXPECT_EQ(db->schema_version(), Database::latest_schema_version());
  }
  const auto again = open_database();  // a second open applies nothing twice
  EXPECT_EQ(again->schema_version(), Database::latest_schema_version());
  EXPECT_EQ(detail::query_integer(again->connection(), "SELECT count(*) FROM nbsync_meta WHERE key = 'created_at'"), 1);
}

TEST_P(DatabaseTest, RefusesADatabaseFromANewerVersion) {
  sql().execute_script(on_postgres() ? "UPDATE schema_version SET version = 999" : "PRAGMA user_version = 999");
  try {
    const auto db = open_database();
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("schema version 999 was written by a newer nbsync"));
    EXPECT_THAT(std::string(e.what()), HasSubstr(on_postgres() ? postgres_uri() : "nbsync.db"));
  }
}

// Every table and column SQLite's schema has, PostgreSQL's has too (but for the search
// index config_search: FTS5 on SQLite, trigram arrays under GIN on PostgreSQL), so the same
// statements work on both.
TEST_P(DatabaseTest, HasTheSameTablesAndColumnsOnBothBackends) {
  const auto db = open_database();
  const char* columns_sql = on_postgres()
                                ? "SELECT table_name || '.' || column_name FROM information_schema.columns "
                                  "WHERE table_schema = 'public' AND table_name <> 'schema_version' "
                                  "AND table_name <> 'config_search' ORDER BY 1"
                                : "SELECT m.name || '.' || p.name FROM sqlite_schema m, pragma_table_info(m.name) p "
                                  "WHERE m.type = 'table' AND m.name NOT LIKE 'config_search%' ORDER BY 1";
  std::vector<std::string> columns;
  const auto rows = db->connection().query(columns_sql);
  while (rows->next()) {
    columns.push_back(rows->text(0));
  }
  // Spot checks, and the total both backends must agree on (a column added to one
  // migration list and not the other changes it).
  EXPECT_THAT(columns,
              ::testing::IsSupersetOf({"attempts.jump_host", "blobs.content", "blobs.depth", "outbox.sending_since",
                                       "runs.reported", "devices.tags", "search_index_plan.common_trigrams",
                                       "compliance_results.problems", "snapshots.mask_key", "drift_results.lines",
                                       "device_states.drift", "compliance_latest.verdicts",
                                       "search_index_pending.device_id", "outbox.claimed_by", "outbox.lease_until"}));
  EXPECT_EQ(columns.size(), 144U) << ::testing::PrintToString(columns);
}

NBSYNC_ON_BOTH_BACKENDS(DatabaseTest);

}  // namespace
}  // namespace nbsync::storage
