// The search index pass a cycle runs beside its drift check and delivery: on a connection
// of its own it indexes what the writer left, and a failure is logged, not thrown.
#include "daemon/search_index_pass.hpp"

#include <gtest/gtest.h>

#include "storage/database.hpp"
#include "tests/storage/version_rows.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::daemon {
namespace {

storage::DeviceRecord device(std::int64_t id) {
  storage::DeviceRecord record;
  record.id = id;
  record.name = "dev" + std::to_string(id);
  record.platform = "cisco-ios";
  record.status = "active";
  return record;
}

TEST(SearchIndexPass, IndexesOnItsOwnConnectionWhatTheWriterLeft) {
  test::TempDir dir;
  const storage::DatabaseLocation location{dir.path() / "nbsync.db", std::nullopt};
  storage::Database database(location.file);
  storage::test_support::VersionRows rows(database.connection());
  for (std::int64_t id = 1; id <= 3; ++id) {
    rows.store(device(id), "hostname dev" + std::to_string(id) + "\nntp server 10.0.0.1\n");
  }
  SearchIndexPass pass(location, {});
  const SearchIndexPassResult result = pass.wait();
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.indexed, 3);
  EXPECT_EQ(storage::detail::query_integer(database.connection(), "SELECT count(*) FROM search_index_state"), 3);
}

TEST(SearchIndexPass, AFailureIsReportedNotThrown) {
  test::TempDir dir;
  const storage::DatabaseLocation location{dir.path() / "nbsync.db", std::nullopt};
  storage::Database database(location.file);
  storage::test_support::VersionRows rows(database.connection());
  rows.store(device(1), "hostname dev1\n");
  database.connection().execute_script("DROP TABLE search_index_state");
  SearchIndexPass pass(location, {});
  const SearchIndexPassResult result = pass.wait();
  EXPECT_TRUE(result.failed);
  EXPECT_EQ(result.indexed, 0);
}

TEST(SearchIndexPass, AStopRequestedBeforeItBeginsIndexesNothing) {
  test::TempDir dir;
  const storage::DatabaseLocation location{dir.path() / "nbsync.db", std::nullopt};
  storage::Database database(location.file);
  storage::test_support::VersionRows rows(database.connection());
  rows.store(device(1), "hostname dev1\n");
  std::stop_source stop;
  stop.request_stop();
  SearchIndexPass pass(location, stop.get_token());
  EXPECT_EQ(pass.wait().indexed, 0);
}

}  // namespace
}  // namespace nbsync::daemon
