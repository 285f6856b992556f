// A run's Slack message is composed from what the run committed: at finish_run, or, for a
// run whose process died first, by the next begin_run.
#include <gtest/gtest.h>

#include <memory>

#include "storage/detail/sql_connection.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using test_support::config_text;
using test_support::device;
using test_support::failed_attempt;
using test_support::ok_attempt;

// Every test runs on SQLite and on PostgreSQL (backend_fixture.hpp).
class RunReportTest : public test_support::BackendTest {
protected:
  std::vector<RunDigest> m_digests;

  std::unique_ptr<SnapshotStore> open_store(Database& db) {
    auto store = std::make_unique<SnapshotStore>(db);
    NotificationHooks hooks;
    hooks.on_run = [this](const RunDigest& digest) {
      m_digests.push_back(digest);
      return std::vector<OutboxRow>{{"slack:ops", "message", std::nullopt, "{}", "r" + std::to_string(digest.run_id)}};
    };
    store->set_notification_hooks(hooks);
    return store;
  }

  // One run that backs devices 1-3 up once (first backups: no events).
  void first_run(SnapshotStore& store) {
    const auto run = store.begin_run();
    store.upsert_devices(run, std::vector<DeviceRecord>{device(1), device(2), device(3)});
    for (std::int64_t id = 1; id <= 3; ++id) {
      store.record_attempt(run, ok_attempt(id, config_text(id, 1)));
    }
    store.finish_run(run, true);
  }
};

TEST_P(RunReportTest, FinishRunTellsWhatTheRunStored) {
  auto store = open_store(database());
  first_run(*store);
  const auto run = store->begin_run();
  store->upsert_devices(run, std::vector<DeviceRecord>{device(1), device(2), device(3)});
  store->record_attempt(run, ok_attempt(1, config_text(1, 2)));
  store->record_attempt(run, failed_attempt(2, OutcomeKind::timeout, "dev2: no prompt"));
  store->record_attempt(run, ok_attempt(3, config_text(3, 1)));
  store->finish_run(run, true);
  ASSERT_EQ(m_digests.size(), 2u);
  const RunDigest& digest = m_digests.back();
  EXPECT_FALSE(digest.interrupted);
  EXPECT_EQ(digest.changed.count, 1);
  ASSERT_EQ(digest.changed.examples.size(), 1u);
  EXPECT_EQ(digest.changed.examples[0].second, "dev1");
  EXPECT_EQ(digest.changed.details[0], "+1/-1");
  EXPECT_EQ(digest.started_failing.count, 1);
  EXPECT_EQ(digest.started_failing.details[0], "timeout: dev2: no prompt");
  EXPECT_EQ(digest.recovered.count, 0);
}

TEST_P(RunReportTest, DevicesThatFailedBehindAJumpHostAreToldOnceForTheJumpHost) {
  auto store = open_store(database());
  first_run(*store);
  const auto run = store->begin_run();
  store->upsert_devices(run, std::vector<DeviceRecord>{device(1), device(2), device(3)});
  for (std::int64_t id = 1; id <= 2; ++id) {
    const std::string name = "dev" + std::to_string(id);
    AttemptRecord behind = failed_attempt(id, OutcomeKind::auth,
                                          name + " (192.0.2." + std::to_string(id) +
                                              ":22): not reached, its bastion jump-1 (192.0.2.9:22): login refused");
    behind.jump_host = "jump-1";
    store->record_attempt(run, behind);
  }
  store->record_attempt(run, failed_attempt(3, OutcomeKind::timeout, "dev3: no prompt"));
  store->finish_run(run, true);
  const RunDigest& digest = m_digests.back();
  EXPECT_EQ(digest.started_failing.count, 1) << "only the device whose own failure it is";
  EXPECT_EQ(digest.started_failing.details[0], "timeout: dev3: no prompt");
  ASSERT_EQ(digest.failing_jump_hosts.size(), 1u);
  EXPECT_EQ(digest.failing_jump_hosts[0].name, "jump-1");
  EXPECT_EQ(digest.failing_jump_hosts[0].devices, 2);
  EXPECT_EQ(digest.failing_jump_hosts[0].detail, "auth: bastion jump-1 (192.0.2.9:22): login refused");
  EXPECT_EQ(
      detail::query_integer(open_database()->connection(), "SELECT count(*) FROM attempts WHERE jump_host = 'jump-1'"),
      2);
}

TEST_P(RunReportTest, ARunThatDiedIsToldByTheNextRunFromWhatItCommitted) {
  {
    const std::unique_ptr<Database> db = open_database();  // the process that dies
    auto store = open_store(*db);
    first_run(*store);
    const auto run = store->begin_run();
    store->upsert_devices(run, std::vector<DeviceRecord>{device(1), device(2), device(3)});
    store->record_attempt(run, ok_attempt(1, config_text(1, 2)));
    store->record_attempt(run, ok_attempt(2, config_text(2, 2)));
    store->commit();
    store->record_attempt(run, ok_attempt(3, config_text(3, 2)));  // never committed: the process "dies"
  }
  ASSERT_EQ(m_digests.size(), 1u);  // the first run's
  auto store = open_store(database());
  const auto next = store->begin_run();
  ASSERT_EQ(m_digests.size(), 2u);
  const RunDigest& told = m_digests.back();
  EXPECT_TRUE(told.interrupted);
  EXPECT_LT(told.run_id, next);
  EXPECT_EQ(told.changed.count, 2);  // what was committed, not the lost third
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE dedupe_key = ?1",
                                  detail::SqlParams().add("r" + std::to_string(told.run_id))),
            1);
  // Told once: the run after that does not tell it again.
  store->finish_run(next, true);
  store->begin_run();
  EXPECT_EQ(m_digests.size(), 3u);  // only `next`'s own message
  EXPECT_FALSE(m_digests.back().interrupted);
}

TEST_P(RunReportTest, ARecoveredDeviceWithANewConfigIsBothChangedAndRecovered) {
  auto store = open_store(database());
  first_run(*store);
  auto run = store->begin_run();
  store->record_attempt(run, failed_attempt(1, OutcomeKind::auth, "dev1: refused"));
  store->finish_run(run, false);
  run = store->begin_run();
  store->record_attempt(run, ok_attempt(1, config_text(1, 5)));
  store->finish_run(run, false);
  const RunDigest& digest = m_digests.back();
  EXPECT_EQ(digest.changed.count, 1);
  EXPECT_EQ(digest.recovered.count, 1);
  EXPECT_EQ(digest.recovered.details[0], "after auth");
}

NBSYNC_ON_BOTH_BACKENDS(RunReportTest);

}  // namespace
}  // namespace nbsync::storage
