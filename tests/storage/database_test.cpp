#include "storage/database.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

TEST(Database, CreatesMigratesAndReopensInWalMode) {
  test::TempDir dir;
  const auto file = dir / "nbsync.db";
  {
    Database db(file);
    EXPECT_EQ(db.schema_version(), Database::latest_schema_version());
    EXPECT_EQ(db.sqlite().execAndGet("PRAGMA journal_mode").getString(), "wal");
  }
  Database again(file);  // a second open applies nothing twice
  EXPECT_EQ(again.schema_version(), Database::latest_schema_version());
  EXPECT_EQ(again.sqlite().execAndGet("SELECT count(*) FROM nbsync_meta WHERE key = 'created_at'").getInt(), 1);
}

TEST(Database, RefusesADatabaseFromANewerVersion) {
  test::TempDir dir;
  const auto file = dir / "nbsync.db";
  {
    SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("PRAGMA user_version = 999");
  }
  try {
    Database db(file);
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("newer nbsync"));
    EXPECT_THAT(std::string(e.what()), ::testing::HasSubstr("nbsync.db"));
  }
}

TEST(Database, UnwritableLocationNamesTheFile) {
  EXPECT_THROW(Database("/nonexistent-dir/nbsync.db"), DatabaseError);
}

}  // namespace
}  // namespace nbsync::storage
