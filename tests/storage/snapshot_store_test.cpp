#include "storage/snapshot_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>

#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using test_support::committed_int;
using test_support::config_text;
using test_support::device;
using test_support::failed_attempt;
using test_support::join_lines;
using test_support::ok_attempt;
using ::testing::HasSubstr;

std::int64_t count(Database& db, const std::string& sql) {
  return db.sqlite().execAndGet(sql).getInt64();
}

class SnapshotStoreTest : public ::testing::Test {
protected:
  test::TempDir m_dir;
  std::filesystem::path m_file = m_dir / "nbsync.db";
  Database m_db{m_file};
  SnapshotStore m_store{m_db};

  std::int64_t run_with_devices(std::initializer_list<std::int64_t> ids) {
    const std::int64_t run = m_store.begin_run();
    std::vector<DeviceRecord> devices;
    for (const std::int64_t id : ids) {
      devices.push_back(device(id));
    }
    m_store.upsert_devices(run, devices);
    return run;
  }
};

TEST_F(SnapshotStoreTest, FirstConfigIsAChangeStoredCompressedUnderItsSha256) {
  const std::int64_t run = run_with_devices({1});
  const RecordedAttempt recorded = m_store.record_attempt(run, ok_attempt(1, "hello\n"));
  EXPECT_TRUE(recorded.changed);
  ASSERT_TRUE(recorded.snapshot_id.has_value());
  EXPECT_EQ(recorded.lines_added, 1);
  EXPECT_EQ(recorded.lines_removed, 0);
  m_store.commit();

  const auto latest = m_store.latest_snapshot(1);
  ASSERT_TRUE(latest.has_value());
  // sha256("hello\n"), as `printf 'hello\n' | sha256sum` prints it.
  EXPECT_EQ(latest->sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  EXPECT_EQ(latest->size, 6);
  EXPECT_EQ(latest->line_count, 1);
  EXPECT_EQ(m_store.latest_config(1), "hello\n");

  const std::string big = config_text(1, 1, 2000);
  m_store.record_attempt(run, ok_attempt(1, big));
  m_store.commit();
  EXPECT_EQ(m_store.latest_config(1), big);
  const std::int64_t stored = count(m_db, "SELECT length(content) FROM blobs ORDER BY rowid DESC LIMIT 1");
  EXPECT_LT(stored * 5, static_cast<std::int64_t>(big.size())) << "configs are stored zstd-compressed";
}

TEST_F(SnapshotStoreTest, SameConfigAgainIsNoChangeAndAddsNothing) {
  const std::int64_t run = run_with_devices({1});
  ASSERT_TRUE(m_store.record_attempt(run, ok_attempt(1, config_text(1, 1))).changed);
  const std::int64_t run2 = run_with_devices({1});
  const RecordedAttempt again = m_store.record_attempt(run2, ok_attempt(1, config_text(1, 1)));
  m_store.commit();
  EXPECT_FALSE(again.changed);
  EXPECT_FALSE(again.snapshot_id.has_value());
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots"), 1);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM attempts WHERE changed = 0 AND snapshot_id IS NULL"), 1);
}

TEST_F(SnapshotStoreTest, ChangedConfigCountsAddedAndRemovedLines) {
  const std::string before = join_lines({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  // c changed in place (1 removed + 1 added), g deleted, two lines appended.
  const std::string after = join_lines({"a", "b", "C", "d", "e", "f", "h", "i", "j", "k", "l"});
  const std::int64_t run = run_with_devices({7});
  m_store.record_attempt(run, ok_attempt(7, before));
  const RecordedAttempt changed = m_store.record_attempt(run, ok_attempt(7, after));
  m_store.commit();
  EXPECT_TRUE(changed.changed);
  EXPECT_EQ(changed.lines_added, 3);
  EXPECT_EQ(changed.lines_removed, 2);
  const auto latest = m_store.latest_snapshot(7);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->lines_added, 3);
  EXPECT_EQ(latest->lines_removed, 2);
  EXPECT_EQ(latest->line_count, 11);
  EXPECT_EQ(m_store.latest_config(7), after);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots WHERE device_id = 7"), 2);
}

TEST_F(SnapshotStoreTest, IdenticalConfigsOnTwoDevicesShareOneBlob) {
  const std::int64_t run = run_with_devices({1, 2});
  const std::string shared = join_lines({"ntp server 10.0.0.1", "logging host 10.0.0.2"});
  EXPECT_TRUE(m_store.record_attempt(run, ok_attempt(1, shared)).changed);
  EXPECT_TRUE(m_store.record_attempt(run, ok_attempt(2, shared)).changed);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots"), 2);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 1);

  // Going back to an earlier text is a change for the device, but not a new blob.
  m_store.record_attempt(run, ok_attempt(1, shared + "end\n"));
  EXPECT_TRUE(m_store.record_attempt(run, ok_attempt(1, shared)).changed);
  m_store.commit();
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots"), 4);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 2);
  EXPECT_EQ(m_store.latest_config(2), shared);
}

TEST_F(SnapshotStoreTest, DevicesGoneFromTheInventoryAreRetiredAndComeBack) {
  const std::int64_t run1 = run_with_devices({1, 2, 3});
  m_store.record_attempt(run1, ok_attempt(2, config_text(2, 1)));
  EXPECT_EQ(m_store.retire_missing(run1), 0);
  m_store.finish_run(run1, true);

  const std::int64_t run2 = run_with_devices({1, 3});
  EXPECT_EQ(m_store.retire_missing(run2), 1);
  m_store.finish_run(run2, true);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 1);
  EXPECT_EQ(count(m_db, "SELECT id FROM devices WHERE retired_at IS NOT NULL"), 2);
  EXPECT_EQ(count(m_db, "SELECT retired FROM runs WHERE id = " + std::to_string(run2)), 1);
  EXPECT_EQ(m_store.latest_config(2), config_text(2, 1)) << "a retired device keeps its history";

  const std::int64_t run3 = m_store.begin_run();
  DeviceRecord renamed = device(2);
  renamed.name = "dev2-renamed";
  m_store.upsert_devices(run3, std::array{device(1), renamed, device(3)});
  EXPECT_EQ(m_store.retire_missing(run3), 0);
  m_store.finish_run(run3, true);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 0);
  EXPECT_EQ(m_db.sqlite().execAndGet("SELECT name FROM devices WHERE id = 2").getString(), "dev2-renamed");
}

TEST_F(SnapshotStoreTest, RunsAndAttemptsAreRecordedWithTheirOutcomes) {
  const std::int64_t run = run_with_devices({1, 2, 3, 4});
  m_store.record_attempt(run, ok_attempt(1, config_text(1, 1)));
  AttemptRecord timeout = failed_attempt(2, OutcomeKind::timeout, "dev2: no prompt after 30 s; check the device");
  timeout.tries = 3;
  timeout.duration = std::chrono::milliseconds(30500);
  timeout.bytes = 17;
  timeout.config = "partial config that must never be stored\n";
  m_store.record_attempt(run, timeout);
  m_store.record_attempt(run, failed_attempt(3, OutcomeKind::skipped, "dev3: no platform profile"));
  m_store.record_attempt(run, ok_attempt(4, config_text(4, 1)));
  const RunSummary summary = m_store.finish_run(run, false, "inventory incomplete: NetBox returned 502");

  EXPECT_EQ(summary.run_id, run);
  EXPECT_EQ(summary.attempts, 4);
  EXPECT_EQ(summary.changed, 2);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::ok), 2);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::timeout), 1);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::skipped), 1);
  EXPECT_EQ(summary.by_outcome.count(OutcomeKind::auth), 0U);

  // What another process sees: all committed by finish_run.
  SQLite::Database reader(m_file.string(), SQLite::OPEN_READONLY);
  SQLite::Statement row(reader,
                        "SELECT finished_at IS NOT NULL, inventory_complete, summary, note FROM runs WHERE id = ?");
  row.bind(1, run);
  ASSERT_TRUE(row.executeStep());
  EXPECT_EQ(row.getColumn(0).getInt(), 1);
  EXPECT_EQ(row.getColumn(1).getInt(), 0);
  EXPECT_EQ(row.getColumn(2).getString(), R"({"ok":2,"skipped":1,"timeout":1})");
  EXPECT_THAT(row.getColumn(3).getString(), HasSubstr("502"));

  SQLite::Statement attempt(reader,
                            "SELECT outcome, message, tries, duration_ms, bytes, changed, snapshot_id IS NULL "
                            "FROM attempts WHERE device_id = 2");
  ASSERT_TRUE(attempt.executeStep());
  EXPECT_EQ(attempt.getColumn(0).getString(), "timeout");
  EXPECT_THAT(attempt.getColumn(1).getString(), HasSubstr("dev2"));
  EXPECT_EQ(attempt.getColumn(2).getInt(), 3);
  EXPECT_EQ(attempt.getColumn(3).getInt64(), 30500);
  EXPECT_EQ(attempt.getColumn(4).getInt64(), 17);
  EXPECT_EQ(attempt.getColumn(5).getInt(), 0);
  EXPECT_EQ(attempt.getColumn(6).getInt(), 1);
  EXPECT_EQ(reader.execAndGet("SELECT count(*) FROM snapshots WHERE device_id = 2").getInt(), 0)
      << "a config from a failed attempt is never stored";
}

TEST_F(SnapshotStoreTest, CommitsEveryNAttemptsAndRollsBackTheRestWhenDropped) {
  {
    SnapshotStore batched(m_db, 3);
    const std::int64_t run = batched.begin_run();
    std::vector<DeviceRecord> devices{device(1), device(2), device(3), device(4)};
    batched.upsert_devices(run, devices);
    for (std::int64_t id = 1; id <= 4; ++id) {
      batched.record_attempt(run, ok_attempt(id, config_text(id, 1)));
    }
    EXPECT_EQ(batched.uncommitted_attempts(), 1U);
    EXPECT_EQ(committed_int(m_file, "SELECT count(*) FROM attempts"), 3);
    EXPECT_EQ(committed_int(m_file, "SELECT count(*) FROM snapshots"), 3);
  }  // destroyed without commit(): the fourth attempt is rolled back
  EXPECT_EQ(committed_int(m_file, "SELECT count(*) FROM attempts"), 3);
  EXPECT_FALSE(m_store.latest_config(4).has_value());
  EXPECT_TRUE(m_store.latest_config(3).has_value());
}

TEST_F(SnapshotStoreTest, AnOkAttemptWithoutConfigIsRefusedAndNamesTheFile) {
  const std::int64_t run = run_with_devices({1});
  AttemptRecord broken = ok_attempt(1, "x\n");
  broken.config.reset();
  try {
    m_store.record_attempt(run, broken);
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("nbsync.db"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("device 1"));
  }
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM attempts"), 0);
}

TEST_F(SnapshotStoreTest, AttemptForADeviceNeverUpsertedIsRejected) {
  const std::int64_t run = m_store.begin_run();
  EXPECT_THROW(m_store.record_attempt(run, failed_attempt(99, OutcomeKind::connect, "dev99: refused")), DatabaseError);
}

}  // namespace
}  // namespace nbsync::storage

namespace nbsync::storage {
namespace {

AttemptRecord keyed_attempt(std::int64_t device_id, std::string config, std::string key_id) {
  AttemptRecord attempt = test_support::ok_attempt(device_id, std::move(config));
  attempt.mask_key = std::move(key_id);
  return attempt;
}

TEST_F(SnapshotStoreTest, ANewMaskingKeyIsStoredButIsNoChangeWhileARotatedSecretIs) {
  const std::int64_t run = run_with_devices({1});
  ASSERT_TRUE(m_store.record_attempt(run, ok_attempt(1, "hostname r1\nenable secret <removed>\n")).changed);
  // The first keyed backup after an upgrade: only "<removed>" became a tag.
  const RecordedAttempt upgraded =
      m_store.record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:aaaaaa>\n", "key1"));
  EXPECT_FALSE(upgraded.changed);
  ASSERT_TRUE(upgraded.snapshot_id.has_value());
  EXPECT_EQ(upgraded.current_snapshot_id, upgraded.snapshot_id);
  EXPECT_EQ(upgraded.lines_added + upgraded.lines_removed, 0);
  // The secret rotated under the same key: a change, one line each way.
  const RecordedAttempt rotated =
      m_store.record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:bbbbbb>\n", "key1"));
  EXPECT_TRUE(rotated.changed);
  EXPECT_EQ(rotated.lines_added, 1);
  EXPECT_EQ(rotated.lines_removed, 1);
  // A new key: every tag changes, still no change.
  const RecordedAttempt rekeyed =
      m_store.record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:cccccc>\n", "key2"));
  EXPECT_FALSE(rekeyed.changed);
  // A new key and another line in the same backup: a change.
  const RecordedAttempt both =
      m_store.record_attempt(run, keyed_attempt(1, "hostname r2\nenable secret <removed:dddddd>\n", "key3"));
  EXPECT_TRUE(both.changed);
  m_store.commit();
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots WHERE device_id = 1"), 5);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots WHERE rekeyed = 1"), 2);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM attempts WHERE changed = 1"), 3);
  const auto latest = m_store.latest_snapshot(1);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->mask_key, "key3");
  EXPECT_FALSE(latest->rekeyed);
}

}  // namespace
}  // namespace nbsync::storage
