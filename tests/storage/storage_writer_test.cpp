#include "storage/storage_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <iostream>
#include <random>
#include <thread>

#include "storage/detail/sql_connection.hpp"
#include "storage/search_index.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using namespace std::chrono_literals;
using test_support::committed_int;
using test_support::config_text;
using test_support::device;
using test_support::failed_attempt;
using test_support::ok_attempt;
using ::testing::HasSubstr;

std::vector<DeviceRecord> devices(std::int64_t count) {
  std::vector<DeviceRecord> out;
  for (std::int64_t id = 1; id <= count; ++id) {
    out.push_back(device(id));
  }
  return out;
}

// The tests that mean the same on both backends run on SQLite and on PostgreSQL
// (backend_fixture.hpp); the writer stores through database().
class StorageWriterTest : public test_support::BackendTest {
protected:
  // One integer read on a second connection: only what the writer committed counts.
  std::int64_t committed(const std::string& query) {
    if (!m_reader) {
      m_reader = open_database();
    }
    return detail::query_integer(m_reader->connection(), query);
  }

  std::unique_ptr<Database> m_reader;
};

TEST_P(StorageWriterTest, StoresEverySubmittedResultAndSummarizesTheRun) {
  Database& db = database();
  StorageWriter writer(db, StorageWriterOptions{1 << 20, 7, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(writer.submit_devices(*run, devices(50)));
  for (std::int64_t id = 1; id <= 50; ++id) {
    ASSERT_TRUE(id % 10 == 0 ? writer.submit(*run, failed_attempt(id, OutcomeKind::auth, "refused"))
                             : writer.submit(*run, ok_attempt(id, config_text(id, 1))));
  }
  const auto summary = writer.finish_run(*run, true, "");
  ASSERT_TRUE(summary.has_value()) << writer.error().value_or("");
  EXPECT_EQ(summary->attempts, 50);
  EXPECT_EQ(summary->changed, 45);
  EXPECT_EQ(summary->by_outcome.at(OutcomeKind::auth), 5);
  EXPECT_TRUE(writer.close());
  EXPECT_FALSE(writer.error().has_value());
  EXPECT_EQ(committed("SELECT count(*) FROM snapshots"), 45);
}

TEST_P(StorageWriterTest, IndexesNewConfigsWhileIdleOnceTheFleetIsLargeEnough) {
  Database& db = database();
  StorageWriter writer(db,
                       StorageWriterOptions{1 << 20, 100, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  constexpr std::int64_t k_devices = 700;  // the common trigrams are chosen mid-run from 500 configs
  ASSERT_TRUE(writer.submit_devices(*run, devices(k_devices)));
  for (std::int64_t id = 1; id <= k_devices; ++id) {
    ASSERT_TRUE(writer.submit(*run, ok_attempt(id, config_text(id, 1))));
  }
  // The run is not finished, and the writer has nothing to store: it indexes meanwhile.
  const auto indexed = [&] { return committed("SELECT count(*) FROM search_index_state"); };
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (indexed() < k_devices && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(indexed(), k_devices);
  // The index leaves out the common trigrams, chosen once (both backends).
  EXPECT_EQ(committed("SELECT count(*) FROM search_index_plan"), 1);
  const auto summary = writer.finish_run(*run, true, "");
  ASSERT_TRUE(summary.has_value()) << writer.error().value_or("");
  EXPECT_EQ(summary->indexed, k_devices) << "counted though indexed before the end of the run";
  EXPECT_TRUE(writer.close());
}

TEST_P(StorageWriterTest, AFailingIndexDoesNotStopTheBackupsBeingStored) {
  Database& db = database();
  sql().execute_script("DROP TABLE search_index_state");  // every index write fails from now on
  StorageWriter writer(db,
                       StorageWriterOptions{1 << 20, 100, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  constexpr std::int64_t k_devices = 700;
  ASSERT_TRUE(writer.submit_devices(*run, devices(k_devices)));
  for (std::int64_t id = 1; id <= k_devices; ++id) {
    ASSERT_TRUE(writer.submit(*run, ok_attempt(id, config_text(id, 1))));
    if (id % 100 == 0) {
      std::this_thread::sleep_for(20ms);  // idle moments, in which the writer tries to index
    }
  }
  ASSERT_TRUE(writer.flush()) << writer.error().value_or("");
  EXPECT_EQ(committed("SELECT count(*) FROM snapshots"), k_devices);
  EXPECT_TRUE(writer.finish_run(*run, true, "").has_value()) << writer.error().value_or("");
  // The pass after the run (the cycle's, not the writer's) fails the same way, and says so.
  try {
    update_search_index(db);
    FAIL() << "the pass wrote into a dropped table";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(e.what(), HasSubstr("search index"));
  }
}

TEST_P(StorageWriterTest, CloseStoresWhatIsStillQueued) {
  Database& db = database();
  StorageWriter writer(db,
                       StorageWriterOptions{1 << 20, 1000, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(writer.submit_devices(*run, devices(20)));
  for (std::int64_t id = 1; id <= 20; ++id) {
    ASSERT_TRUE(writer.submit(*run, ok_attempt(id, config_text(id, 1))));
  }
  EXPECT_TRUE(writer.close());
  EXPECT_EQ(committed("SELECT count(*) FROM attempts"), 20);
  EXPECT_FALSE(writer.submit(*run, ok_attempt(1, "late\n"))) << "a closed writer takes nothing";
}

TEST_P(StorageWriterTest, CommitsAfterTheIntervalWithoutBeingAsked) {
  Database& db = database();
  StorageWriter writer(db,
                       StorageWriterOptions{1 << 20, 1000, 50ms, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(writer.submit_devices(*run, devices(1)));
  ASSERT_TRUE(writer.submit(*run, ok_attempt(1, config_text(1, 1))));
  std::int64_t seen = 0;
  for (int i = 0; i < 200 && seen == 0; ++i) {
    std::this_thread::sleep_for(25ms);
    seen = committed("SELECT count(*) FROM attempts");
  }
  EXPECT_EQ(seen, 1) << "the batch was not committed within 5 s although the interval is 50 ms";
  EXPECT_TRUE(writer.close());
}

TEST_P(StorageWriterTest, SubmitBlocksWhileTheByteBudgetIsFull) {
  Database& db = database();
  constexpr std::size_t k_budget = 8 * 1024;
  StorageWriter writer(db,
                       StorageWriterOptions{k_budget, 1000, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(writer.submit_devices(*run, devices(6)));
  ASSERT_TRUE(writer.flush());

  // A slow disk: another connection holds a lock the writer's next batch needs (SQLite's
  // write lock; on PostgreSQL the attempts table), so the writer cannot store anything.
  const std::unique_ptr<Database> blocker_database = open_database();
  detail::SqlConnection& blocker = blocker_database->connection();
  blocker.begin();
  if (on_postgres()) {
    blocker.execute_script("LOCK TABLE attempts IN EXCLUSIVE MODE");
  }

  const auto config_of = [](std::int64_t id) { return config_text(id, 1, 110); };  // ~3.3 KB each
  ASSERT_GT(config_of(1).size(), 3000U);
  ASSERT_TRUE(writer.submit(*run, ok_attempt(1, config_of(1))));
  ASSERT_TRUE(writer.submit(*run, ok_attempt(2, config_of(2))));
  auto producer = std::async(std::launch::async, [&] {
    bool all = true;
    for (std::int64_t id = 3; id <= 6; ++id) {
      all = writer.submit(*run, ok_attempt(id, config_of(id))) && all;
    }
    return all;
  });
  EXPECT_EQ(producer.wait_for(300ms), std::future_status::timeout) << "submit did not block on a full budget";
  EXPECT_LE(writer.queued_bytes(), k_budget);
  EXPECT_GE(writer.blocked_submits(), 1U);

  blocker.commit();  // the disk catches up
  ASSERT_EQ(producer.wait_for(20s), std::future_status::ready);
  EXPECT_TRUE(producer.get());
  const auto summary = writer.finish_run(*run, true);
  ASSERT_TRUE(summary.has_value()) << writer.error().value_or("");
  EXPECT_EQ(summary->changed, 6);
  EXPECT_LE(writer.peak_queued_bytes(), k_budget);
  EXPECT_TRUE(writer.close());
}

std::string incompressible(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string text(size, '\0');
  for (char& c : text) {
    c = static_cast<char>('!' + random() % 90);
  }
  return text;
}

// SQLite only: a file nearly full is made with max_page_count; PostgreSQL's server owns
// its disk, and a full one is not simulated here.
TEST(StorageWriter, AFullDiskStopsTheWriterWithAClearErrorAndClaimsNothing) {
  test::TempDir dir;
  const auto file = dir / "nbsync.db";
  Database db(file);
  StorageWriter writer(db,
                       StorageWriterOptions{1 << 20, 1000, 10s, {}, {}, SnapshotStore::k_default_full_copy_every, {}});
  const auto run = writer.begin_run();
  ASSERT_TRUE(run.has_value());
  ASSERT_TRUE(writer.submit_devices(*run, devices(10)));
  ASSERT_TRUE(writer.submit(*run, ok_attempt(1, "small config\n")));
  ASSERT_TRUE(writer.flush());
  // Pretend the disk is nearly full: SQLite refuses to grow the file past a few more pages.
  const std::int64_t pages = db.sqlite().execAndGet("PRAGMA page_count").getInt64();
  db.sqlite().exec("PRAGMA max_page_count = " + std::to_string(pages + 4));

  for (std::int64_t id = 2; id <= 10; ++id) {
    writer.submit(*run, ok_attempt(id, incompressible(64 * 1024, static_cast<unsigned>(id))));
  }
  EXPECT_FALSE(writer.flush()) << "flush must not claim the results were stored";
  const auto error = writer.error();
  ASSERT_TRUE(error.has_value());
  EXPECT_THAT(*error, HasSubstr(file.string()));
  EXPECT_THAT(*error, HasSubstr("full"));
  EXPECT_THAT(*error, HasSubstr("free space"));
  std::cout << "writer error: " << *error << "\n";
  EXPECT_FALSE(writer.submit(*run, ok_attempt(1, "more\n"))) << "a failed writer takes nothing more";
  EXPECT_FALSE(writer.finish_run(*run, true).has_value());
  EXPECT_FALSE(writer.close());

  // What was committed before the failure is intact; nothing after it claims success.
  EXPECT_EQ(committed_int(file, "SELECT count(*) FROM attempts"), 1);
  EXPECT_EQ(committed_int(file, "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL"), 0);
  SQLite::Database reader(file.string(), SQLite::OPEN_READONLY);
  EXPECT_EQ(reader.execAndGet("PRAGMA integrity_check").getString(), "ok");
}

NBSYNC_ON_BOTH_BACKENDS(StorageWriterTest);

}  // namespace
}  // namespace nbsync::storage
