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

// A fresh SQLite database holding `devices` devices with one version each.
class SearchIndexPassTest : public ::testing::Test {
protected:
  void store_devices(std::int64_t devices) {
    storage::test_support::VersionRows rows(m_database.connection());
    for (std::int64_t id = 1; id <= devices; ++id) {
      rows.store(device(id), "hostname dev" + std::to_string(id) + "\nntp server 10.0.0.1\n");
    }
  }

  test::TempDir m_dir;
  const storage::DatabaseLocation m_location{m_dir.path() / "nbsync.db", std::nullopt};
  storage::Database m_database{m_location.file};
};

TEST_F(SearchIndexPassTest, IndexesOnItsOwnConnectionWhatTheWriterLeft) {
  store_devices(3);
  SearchIndexPass pass(m_location, {});
  const SearchIndexPassResult result = pass.wait();
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.indexed, 3);
  EXPECT_EQ(storage::detail::query_integer(m_database.connection(), "SELECT count(*) FROM search_index_state"), 3);
}

TEST_F(SearchIndexPassTest, AFailureIsReportedNotThrown) {
  store_devices(1);
  m_database.connection().execute_script("DROP TABLE search_index_state");
  SearchIndexPass pass(m_location, {});
  const SearchIndexPassResult result = pass.wait();
  EXPECT_TRUE(result.failed);
  EXPECT_EQ(result.indexed, 0);
}

TEST_F(SearchIndexPassTest, AStopRequestedBeforeItBeginsIndexesNothing) {
  store_devices(1);
  std::stop_source stop;
  stop.request_stop();
  SearchIndexPass pass(m_location, stop.get_token());
  EXPECT_EQ(pass.wait().indexed, 0);
}

}  // namespace
}  // namespace nbsync::daemon
