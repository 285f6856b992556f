#include "storage/snapshot_store.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>

#include "storage/detail/sql_connection.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using detail::SqlParams;
using test_support::config_text;
using test_support::device;
using test_support::failed_attempt;
using test_support::join_lines;
using test_support::ok_attempt;
using ::testing::HasSubstr;

// Every test runs on SQLite and on PostgreSQL (backend_fixture.hpp).
class SnapshotStoreTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_store = std::make_unique<SnapshotStore>(database());
    }
  }

  // One integer, as this connection sees it (this store's uncommitted writes too).
  std::int64_t count(const std::string& query) { return detail::query_integer(sql(), query); }
  // One integer through a second connection: only what is committed counts.
  std::int64_t committed(const std::string& query) const {
    return detail::query_integer(open_database()->connection(), query);
  }

  std::unique_ptr<SnapshotStore> m_store;  // on database(), made by SetUp

  std::int64_t run_with_devices(std::initializer_list<std::int64_t> ids) {
    const std::int64_t run = m_store->begin_run();
    std::vector<DeviceRecord> devices;
    for (const std::int64_t id : ids) {
      devices.push_back(device(id));
    }
    m_store->upsert_devices(run, devices);
    return run;
  }
};

TEST_P(SnapshotStoreTest, FirstConfigIsAChangeStoredCompressedUnderItsSha256) {
  const std::int64_t run = run_with_devices({1});
  const RecordedAttempt recorded = m_store->record_attempt(run, ok_attempt(1, "hello\n"));
  EXPECT_TRUE(recorded.changed);
  ASSERT_TRUE(recorded.snapshot_id.has_value());
  EXPECT_EQ(recorded.lines_added, 1);
  EXPECT_EQ(recorded.lines_removed, 0);
  m_store->commit();

  const auto latest = m_store->latest_snapshot(1);
  ASSERT_TRUE(latest.has_value());
  // sha256("hello\n"), as `printf 'hello\n' | sha256sum` prints it.
  EXPECT_EQ(latest->sha256, "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  EXPECT_EQ(latest->size, 6);
  EXPECT_EQ(latest->line_count, 1);
  EXPECT_EQ(m_store->latest_config(1), "hello\n");

  const std::string big = config_text(1, 1, 2000);
  m_store->record_attempt(run, ok_attempt(1, big));
  m_store->commit();
  EXPECT_EQ(m_store->latest_config(1), big);
  const std::int64_t stored = detail::query_integer(sql(), "SELECT length(content) FROM blobs WHERE sha256 = ?1",
                                                    SqlParams().add(m_store->latest_snapshot(1)->sha256));
  EXPECT_LT(stored * 5, static_cast<std::int64_t>(big.size())) << "configs are stored zstd-compressed";
}

TEST_P(SnapshotStoreTest, SameConfigAgainIsNoChangeAndAddsNothing) {
  const std::int64_t run = run_with_devices({1});
  ASSERT_TRUE(m_store->record_attempt(run, ok_attempt(1, config_text(1, 1))).changed);
  const std::int64_t run2 = run_with_devices({1});
  const RecordedAttempt again = m_store->record_attempt(run2, ok_attempt(1, config_text(1, 1)));
  m_store->commit();
  EXPECT_FALSE(again.changed);
  EXPECT_FALSE(again.snapshot_id.has_value());
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE changed = 0 AND snapshot_id IS NULL"), 1);
}

TEST_P(SnapshotStoreTest, ChangedConfigCountsAddedAndRemovedLines) {
  const std::string before = join_lines({"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"});
  // c changed in place (1 removed + 1 added), g deleted, two lines appended.
  const std::string after = join_lines({"a", "b", "C", "d", "e", "f", "h", "i", "j", "k", "l"});
  const std::int64_t run = run_with_devices({7});
  m_store->record_attempt(run, ok_attempt(7, before));
  const RecordedAttempt changed = m_store->record_attempt(run, ok_attempt(7, after));
  m_store->commit();
  EXPECT_TRUE(changed.changed);
  EXPECT_EQ(changed.lines_added, 3);
  EXPECT_EQ(changed.lines_removed, 2);
  const auto latest = m_store->latest_snapshot(7);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->lines_added, 3);
  EXPECT_EQ(latest->lines_removed, 2);
  EXPECT_EQ(latest->line_count, 11);
  EXPECT_EQ(m_store->latest_config(7), after);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = 7"), 2);
}

TEST_P(SnapshotStoreTest, IdenticalConfigsOnTwoDevicesShareOneBlob) {
  const std::int64_t run = run_with_devices({1, 2});
  const std::string shared = join_lines({"ntp server 10.0.0.1", "logging host 10.0.0.2"});
  EXPECT_TRUE(m_store->record_attempt(run, ok_attempt(1, shared)).changed);
  EXPECT_TRUE(m_store->record_attempt(run, ok_attempt(2, shared)).changed);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 1);

  // Going back to an earlier text is a change for the device, but not a new blob.
  m_store->record_attempt(run, ok_attempt(1, shared + "end\n"));
  EXPECT_TRUE(m_store->record_attempt(run, ok_attempt(1, shared)).changed);
  m_store->commit();
  EXPECT_EQ(count("SELECT count(*) FROM snapshots"), 4);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 2);
  EXPECT_EQ(m_store->latest_config(2), shared);
}

TEST_P(SnapshotStoreTest, DevicesGoneFromTheInventoryAreRetiredAndComeBack) {
  const std::int64_t run1 = run_with_devices({1, 2, 3});
  m_store->record_attempt(run1, ok_attempt(2, config_text(2, 1)));
  EXPECT_EQ(m_store->retire_missing(run1), 0);
  m_store->finish_run(run1, true);

  const std::int64_t run2 = run_with_devices({1, 3});
  EXPECT_EQ(m_store->retire_missing(run2), 1);
  m_store->finish_run(run2, true);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 1);
  EXPECT_EQ(count("SELECT id FROM devices WHERE retired_at IS NOT NULL"), 2);
  EXPECT_EQ(count("SELECT retired FROM runs WHERE id = " + std::to_string(run2)), 1);
  EXPECT_EQ(m_store->latest_config(2), config_text(2, 1)) << "a retired device keeps its history";

  const std::int64_t run3 = m_store->begin_run();
  DeviceRecord renamed = device(2);
  renamed.name = "dev2-renamed";
  m_store->upsert_devices(run3, std::array{device(1), renamed, device(3)});
  EXPECT_EQ(m_store->retire_missing(run3), 0);
  m_store->finish_run(run3, true);
  EXPECT_EQ(count("SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 0);
  const auto renamed_row = sql().query("SELECT name FROM devices WHERE id = 2");
  ASSERT_TRUE(renamed_row->next());
  EXPECT_EQ(renamed_row->text(0), "dev2-renamed");
}

TEST_P(SnapshotStoreTest, RunsAndAttemptsAreRecordedWithTheirOutcomes) {
  const std::int64_t run = run_with_devices({1, 2, 3, 4});
  m_store->record_attempt(run, ok_attempt(1, config_text(1, 1)));
  AttemptRecord timeout = failed_attempt(2, OutcomeKind::timeout, "dev2: no prompt after 30 s; check the device");
  timeout.tries = 3;
  timeout.duration = std::chrono::milliseconds(30500);
  timeout.bytes = 17;
  timeout.config = "partial config that must never be stored\n";
  m_store->record_attempt(run, timeout);
  m_store->record_attempt(run, failed_attempt(3, OutcomeKind::skipped, "dev3: no platform profile"));
  m_store->record_attempt(run, ok_attempt(4, config_text(4, 1)));
  const RunSummary summary = m_store->finish_run(run, false, "inventory incomplete: NetBox returned 502");

  EXPECT_EQ(summary.run_id, run);
  EXPECT_EQ(summary.attempts, 4);
  EXPECT_EQ(summary.changed, 2);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::ok), 2);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::timeout), 1);
  EXPECT_EQ(summary.by_outcome.at(OutcomeKind::skipped), 1);
  EXPECT_EQ(summary.by_outcome.count(OutcomeKind::auth), 0U);

  // What another process sees: all committed by finish_run.
  const std::unique_ptr<Database> reader = open_database();
  const auto row = reader->connection().query(
      "SELECT finished_at IS NOT NULL, inventory_complete, summary, note FROM runs WHERE id = ?1",
      SqlParams().add(run));
  ASSERT_TRUE(row->next());
  EXPECT_EQ(row->integer(0), 1);
  EXPECT_EQ(row->integer(1), 0);
  EXPECT_EQ(row->text(2), R"({"ok":2,"skipped":1,"timeout":1})");
  EXPECT_THAT(row->text(3), HasSubstr("502"));

  const auto attempt = reader->connection().query(
      "SELECT outcome, message, tries, duration_ms, bytes, changed, snapshot_id IS NULL "
      "FROM attempts WHERE device_id = 2");
  ASSERT_TRUE(attempt->next());
  EXPECT_EQ(attempt->text(0), "timeout");
  EXPECT_THAT(attempt->text(1), HasSubstr("dev2"));
  EXPECT_EQ(attempt->integer(2), 3);
  EXPECT_EQ(attempt->integer(3), 30500);
  EXPECT_EQ(attempt->integer(4), 17);
  EXPECT_EQ(attempt->integer(5), 0);
  EXPECT_EQ(attempt->integer(6), 1);
  EXPECT_EQ(detail::query_integer(reader->connection(), "SELECT count(*) FROM snapshots WHERE device_id = 2"), 0)
      << "a config from a failed attempt is never stored";
}

TEST_P(SnapshotStoreTest, CommitsEveryNAttemptsAndRollsBackTheRestWhenDropped) {
  {
    SnapshotStore batched(database(), 3);
    const std::int64_t run = batched.begin_run();
    std::vector<DeviceRecord> devices{device(1), device(2), device(3), device(4)};
    batched.upsert_devices(run, devices);
    for (std::int64_t id = 1; id <= 4; ++id) {
      batched.record_attempt(run, ok_attempt(id, config_text(id, 1)));
    }
    EXPECT_EQ(batched.uncommitted_attempts(), 1U);
    EXPECT_EQ(committed("SELECT count(*) FROM attempts"), 3);
    EXPECT_EQ(committed("SELECT count(*) FROM snapshots"), 3);
  }  // destroyed without commit(): the fourth attempt is rolled back
  EXPECT_EQ(committed("SELECT count(*) FROM attempts"), 3);
  EXPECT_FALSE(m_store->latest_config(4).has_value());
  EXPECT_TRUE(m_store->latest_config(3).has_value());
}

TEST_P(SnapshotStoreTest, AnOkAttemptWithoutConfigIsRefusedAndNamesTheDatabase) {
  const std::int64_t run = run_with_devices({1});
  AttemptRecord broken = ok_attempt(1, "x\n");
  broken.config.reset();
  try {
    m_store->record_attempt(run, broken);
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(sql().name()));
    EXPECT_THAT(std::string(e.what()), HasSubstr("device 1"));
  }
  EXPECT_EQ(count("SELECT count(*) FROM attempts"), 0);
}

TEST_P(SnapshotStoreTest, AttemptForADeviceNeverUpsertedIsRejected) {
  const std::int64_t run = m_store->begin_run();
  EXPECT_THROW(m_store->record_attempt(run, failed_attempt(99, OutcomeKind::connect, "dev99: refused")), DatabaseError);
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

TEST_P(SnapshotStoreTest, ANewMaskingKeyIsStoredButIsNoChangeWhileARotatedSecretIs) {
  const std::int64_t run = run_with_devices({1});
  ASSERT_TRUE(m_store->record_attempt(run, ok_attempt(1, "hostname r1\nenable secret <removed>\n")).changed);
  // The first keyed backup after an upgrade: only "<removed>" became a tag.
  const RecordedAttempt upgraded =
      m_store->record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:aaaaaa>\n", "key1"));
  EXPECT_FALSE(upgraded.changed);
  ASSERT_TRUE(upgraded.snapshot_id.has_value());
  EXPECT_EQ(upgraded.current_snapshot_id, upgraded.snapshot_id);
  EXPECT_EQ(upgraded.lines_added + upgraded.lines_removed, 0);
  // The secret rotated under the same key: a change, one line each way.
  const RecordedAttempt rotated =
      m_store->record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:bbbbbb>\n", "key1"));
  EXPECT_TRUE(rotated.changed);
  EXPECT_EQ(rotated.lines_added, 1);
  EXPECT_EQ(rotated.lines_removed, 1);
  // A new key: every tag changes, still no change.
  const RecordedAttempt rekeyed =
      m_store->record_attempt(run, keyed_attempt(1, "hostname r1\nenable secret <removed:cccccc>\n", "key2"));
  EXPECT_FALSE(rekeyed.changed);
  // A new key and another line in the same backup: a change.
  const RecordedAttempt both =
      m_store->record_attempt(run, keyed_attempt(1, "hostname r2\nenable secret <removed:dddddd>\n", "key3"));
  EXPECT_TRUE(both.changed);
  m_store->commit();
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE device_id = 1"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM snapshots WHERE rekeyed = 1"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM attempts WHERE changed = 1"), 3);
  const auto latest = m_store->latest_snapshot(1);
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(latest->mask_key, "key3");
  EXPECT_FALSE(latest->rekeyed);
}

// Moved from history_storage_test.cpp, to run on both backends.
TEST_P(SnapshotStoreTest, ComplianceIsCheckedOncePerVersionAndRuleSet) {
  SnapshotStore store(database(), 0, 10);
  int evaluations = 0;
  const auto rules = [&](std::string digest) {
    ComplianceHooks hooks;
    hooks.rules_digest = std::move(digest);
    hooks.evaluate = [&](const DeviceRecord& record, std::string_view config) {
      ++evaluations;
      EXPECT_EQ(record.tags, std::vector<std::string>({"core", "lab"}));
      const bool telnet = config.find("telnet") != std::string_view::npos;
      ComplianceCheck no_telnet{"no-telnet", "error", !telnet, {}};
      if (telnet) {
        no_telnet.problems.push_back("telnet found");
      }
      return std::vector<ComplianceCheck>{no_telnet, ComplianceCheck{"hostname", "warning", true, {}}};
    };
    return hooks;
  };
  store.set_compliance_hooks(rules("digest-1"));
  DeviceRecord tagged = device(1);
  tagged.tags = {"core", "lab"};
  const auto attempt = [&](const std::string& config) {
    const std::int64_t run = store.begin_run();
    store.upsert_devices(run, std::vector<DeviceRecord>{tagged});
    store.record_attempt(run, ok_attempt(1, config));
    store.finish_run(run, false);
  };
  const auto compliance = [&] {
    const auto row = sql().query("SELECT compliance FROM device_states");
    return row->next() ? row->text(0) : "no row";
  };
  attempt("hostname a\ntransport input telnet\n");
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(compliance(), "fail: no-telnet");
  attempt("hostname a\ntransport input telnet\n");  // unchanged: not checked again
  EXPECT_EQ(evaluations, 1);
  store.set_compliance_hooks(rules("digest-2"));  // new rules: the same version is checked
  attempt("hostname a\ntransport input telnet\n");
  EXPECT_EQ(evaluations, 2);
  attempt("hostname a\ntransport input ssh\n");
  EXPECT_EQ(evaluations, 3);
  EXPECT_EQ(compliance(), "pass");
  EXPECT_EQ(count("SELECT count(*) FROM compliance_results"), 6);
  EXPECT_EQ(count("SELECT count(*) FROM compliance_results WHERE passed = 0"), 2);
  const auto problems =
      sql().query("SELECT problems FROM compliance_results WHERE passed = 0 AND rules_digest = 'digest-1'");
  ASSERT_TRUE(problems->next());
  EXPECT_EQ(problems->text(0), R"(["telnet found"])");
}

TEST_P(SnapshotStoreTest, HostKeysRecordedInTheBatchAreTrustedFirstThenAChangeIsPending) {
  const HostKey first{"ssh-ed25519", "SHA256:first", "AAAAfirst"};
  const HostKey changed{"ssh-ed25519", "SHA256:changed", "AAAAchanged"};
  m_store->begin_run();
  m_store->record_host_key(5, first, false);
  m_store->record_host_key(5, first, false);  // seen again: touched, not added
  m_store->record_host_key(5, changed, false);
  EXPECT_EQ(committed("SELECT count(*) FROM host_keys"), 0) << "in the batch until commit";
  m_store->commit();
  EXPECT_EQ(committed("SELECT count(*) FROM host_keys WHERE device_id = 5 AND state = 'trusted' AND "
                      "fingerprint = 'SHA256:first'"),
            1);
  EXPECT_EQ(committed("SELECT count(*) FROM host_keys WHERE device_id = 5 AND state = 'pending_change' AND "
                      "fingerprint = 'SHA256:changed'"),
            1);
  EXPECT_EQ(committed("SELECT count(*) FROM host_keys"), 2);
}

TEST_P(SnapshotStoreTest, APostgresRestartMidBatchIsOneClearErrorAndTheNextRunRecovers) {
  if (!on_postgres()) {
    GTEST_SKIP() << "a server restart under the store is PostgreSQL's case (SQLite's file has no server)";
  }
  const std::int64_t run = run_with_devices({1, 2});
  m_store->record_attempt(run, ok_attempt(1, config_text(1, 1)));
  m_store->commit();
  m_store->record_attempt(run, ok_attempt(2, config_text(2, 1)));  // in the batch, not committed
  m_server->stop();
  m_server->start();
  try {
    m_store->record_attempt(run, ok_attempt(1, config_text(1, 2)));
    FAIL() << "expected DatabaseError";
  } catch (const DatabaseError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr(sql().name()));
    EXPECT_THAT(std::string(e.what()), HasSubstr("recording the attempt of device 1"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("the 1 attempts not yet committed were rolled back"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("check that the PostgreSQL server is running"));
  }
  // The next run connects again; what was committed before the restart is there.
  const std::int64_t next = run_with_devices({1, 2});
  EXPECT_FALSE(m_store->record_attempt(next, ok_attempt(1, config_text(1, 1))).changed);
  EXPECT_TRUE(m_store->record_attempt(next, ok_attempt(2, config_text(2, 1))).changed);
  m_store->finish_run(next, true);
  EXPECT_EQ(committed("SELECT count(*) FROM snapshots"), 2);
  EXPECT_EQ(committed("SELECT count(*) FROM attempts"), 3);
}

NBSYNC_ON_BOTH_BACKENDS(SnapshotStoreTest);

}  // namespace
}  // namespace nbsync::storage
