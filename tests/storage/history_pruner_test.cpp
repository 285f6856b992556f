// Retention (prune_history) on both backends: which versions go, that no delta is left
// without its base, and what stays of the attempts.
#include "storage/history_pruner.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/config_history.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/storage/version_rows.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::versioned_config;

constexpr const char* k_deltas_without_base = R"sql(
  SELECT count(*) FROM blobs d
  WHERE d.base_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = d.base_sha256)
)sql";

constexpr std::int64_t k_day = 86400;

class HistoryPrunerTest : public test_support::BackendTest {
protected:
  std::int64_t count(const std::string& sql_text) { return detail::query_integer(sql(), sql_text); }

  // Stores versions first..first+versions-1 of the device, version v taken on day 10 * (v - 1).
  void store_versions(int versions, std::int64_t device_id = 1, int first = 1) {
    test_support::VersionRows rows(sql(), 10);
    for (int v = first; v < first + versions; ++v) {
      ASSERT_TRUE(rows.store(device(device_id), versioned_config(device_id, v), (v - 1) * 10 * k_day));
    }
  }

  void expect_every_version_reads_back(std::int64_t device_id, int first_version) {
    ConfigHistory history(database());
    const auto versions = history.versions(device_id);
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const int v = first_version + static_cast<int>(i);
      EXPECT_EQ(history.text(versions[i]), versioned_config(device_id, v)) << "version " << v;
    }
  }
};

TEST_P(HistoryPrunerTest, KeepVersionsPrunesOldestAndNeverStrandsADelta) {
  store_versions(12);
  store_versions(2, 2);
  const std::int64_t blobs_before = count("SELECT count(*) FROM blobs");

  const PruneResult pruned = prune_history(database(), {3, 0}, 0);
  EXPECT_EQ(pruned.snapshots, 9);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = 1"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = 2"), 2);
  EXPECT_EQ(count(k_deltas_without_base), 0);
  // The kept versions 10..12 were deltas of version 9 and older: the oldest kept one was
  // rewritten as a full copy and everything older went.
  EXPECT_GE(pruned.rebased, 1);
  EXPECT_LT(count("SELECT count(*) FROM blobs"), blobs_before);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 5);
  expect_every_version_reads_back(1, 10);
  expect_every_version_reads_back(2, 1);
  if (!on_postgres()) {  // PostgreSQL checks every reference as the rows change
    EXPECT_EQ(count("SELECT count(*) FROM pragma_foreign_key_check"), 0);
  }
}

TEST_P(HistoryPrunerTest, KeepDaysKeepsWhatWasCurrentInTheWindowAndAlwaysTheLatest) {
  store_versions(4);  // taken on days 0, 10, 20, 30; "now" is day 100
  const std::int64_t now = 100 * k_day;

  // Keep 75 days: version 3 was current until day 30 (inside), versions 1 and 2 were
  // replaced on days 10 and 20 (outside).
  EXPECT_EQ(prune_history(database(), {0, 75}, now).snapshots, 2);
  expect_every_version_reads_back(1, 3);
  // Keep 1 day: the latest stays although it is 70 days old.
  EXPECT_EQ(prune_history(database(), {0, 1}, now).snapshots, 1);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 1);
  expect_every_version_reads_back(1, 4);
  EXPECT_EQ(count(k_deltas_without_base), 0);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 1);
}

TEST_P(HistoryPrunerTest, PruningKeepsAttemptsAndDropsTheirSnapshotLink) {
  store_versions(3);
  EXPECT_EQ(prune_history(database(), {1, 0}, 0).snapshots, 2);
  EXPECT_EQ(count("SELECT count(*) FROM attempts"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE snapshot_id IS NOT NULL"), 1);
  // The next pruning of the same connection finds nothing more to do.
  EXPECT_EQ(prune_history(database(), {1, 0}, 0).snapshots, 0);
}

TEST_P(HistoryPrunerTest, NoRetentionPrunesNothing) {
  store_versions(3);
  EXPECT_EQ(prune_history(database(), {}, 1'000'000'000).snapshots, 0);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 3);
}

TEST_P(HistoryPrunerTest, AFailedPruningChangesNothingAndTheNextOneWorks) {
  store_versions(3);
  // Something refers to a version pruning would delete and knows nothing of: its
  // reference makes the transaction fail, which must leave every row where it was.
  sql().execute_script("CREATE TABLE pinned (snapshot_id bigint NOT NULL REFERENCES snapshots (id))");
  sql().execute("INSERT INTO pinned (snapshot_id) SELECT min(id) FROM snapshots");
  try {
    prune_history(database(), {1, 0}, 0);
    FAIL() << "pruning deleted a version something refers to";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr(database().path().string()));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("pruning old config versions"));
  }
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 3);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE snapshot_id IS NOT NULL"), 3);
  EXPECT_FALSE(sql().in_transaction());

  sql().execute("DELETE FROM pinned");
  EXPECT_EQ(prune_history(database(), {1, 0}, 0).snapshots, 2);
  expect_every_version_reads_back(1, 3);
}

NBSYNC_ON_BOTH_BACKENDS(HistoryPrunerTest);

}  // namespace
}  // namespace nbsync::storage
