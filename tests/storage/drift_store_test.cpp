#include "storage/drift_store.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/detail/sql_connection.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::ok_attempt;

// Every test runs on SQLite and on PostgreSQL (backend_fixture.hpp).
class DriftStoreTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_store = std::make_unique<SnapshotStore>(database());
      m_drift = std::make_unique<DriftStore>(database());
    }
  }

  void store(const DeviceRecord& record, const std::string& config) {
    const std::int64_t run = m_store->begin_run();
    m_store->upsert_devices(run, std::vector<DeviceRecord>{record});
    m_store->record_attempt(run, ok_attempt(record.id, config));
    m_store->commit();
  }

  DriftStore& drift() { return *m_drift; }
  std::int64_t outbox_rows() { return detail::query_integer(sql(), "SELECT count(*) FROM outbox"); }

  std::unique_ptr<SnapshotStore> m_store;
  std::unique_ptr<DriftStore> m_drift;
};

TEST_P(DriftStoreTest, CandidatesOfSeveralDevicesComeInTheirOrderFromOneQuery) {
  store(device(1), "hostname a\n");
  store(device(3), "hostname c\n");
  store(device(3), "hostname c2\n");
  drift().record(1, drift().candidate(1)->snapshot_id, {"in_sync", 0, 0, "[]"}, 5000, "in sync", {});
  const std::vector<std::int64_t> ids = {3, 2, 1};
  const auto candidates = drift().candidates(ids);
  ASSERT_EQ(candidates.size(), 3U);
  ASSERT_TRUE(candidates[0]);
  EXPECT_EQ(drift().text(*candidates[0]), "hostname c2\n") << "the newest version";
  EXPECT_FALSE(candidates[0]->checked_at);
  EXPECT_FALSE(candidates[1]) << "device 2 was never backed up";
  ASSERT_TRUE(candidates[2]);
  EXPECT_EQ(candidates[2]->checked_at, 5000);
  EXPECT_EQ(candidates[2]->device_drift, "in sync");
}

TEST_P(DriftStoreTest, CandidateIsTheNewestVersionUntilItIsChecked) {
  EXPECT_FALSE(drift().candidate(1));
  store(device(1), "hostname a\n");
  const auto first = drift().candidate(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(drift().text(*first), "hostname a\n");
  EXPECT_FALSE(first->checked_at);
  drift().record(1, first->snapshot_id, {"differs", 1, 2, R"([{"kind":"missing","section":"","line":"x"}])"}, 5000,
                 "3 lines differ", {});
  const auto checked = drift().candidate(1);
  EXPECT_EQ(checked->checked_at, 5000);
  EXPECT_EQ(checked->device_drift, "3 lines differ");

  store(device(1), "hostname b\n");
  const auto second = drift().candidate(1);
  EXPECT_NE(second->snapshot_id, first->snapshot_id);
  EXPECT_FALSE(second->checked_at) << "a new version has no verdict yet";
  drift().record(1, second->snapshot_id, {"in_sync", 0, 0, "[]"}, 6000, "in sync", {});

  const auto history = drift().history(1);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].version, 2);
  EXPECT_EQ(history[0].verdict.status, "in_sync");
  EXPECT_EQ(history[1].version, 1);
  EXPECT_EQ(history[1].verdict.missing, 1);
  EXPECT_EQ(history[1].verdict.extra, 2);
}

TEST_P(DriftStoreTest, FieldsJoinTheDevicesPendingFieldsRow) {
  store(device(1), "hostname a\n");
  sql().execute("DELETE FROM outbox");
  sql().execute(R"(INSERT INTO outbox (created_at, channel, kind, device_id, payload)
                   VALUES (1, 'netbox', 'device_fields', 1,
                           '{"id":1,"custom_fields":{"nbsync_backup_status":"ok"}}'))");
  const auto candidate = drift().candidate(1);
  drift().record(1, candidate->snapshot_id, {"in_sync", 0, 0, "[]"}, 5000, "in sync",
                 {{"netbox", "device_fields", 1, R"({"id":1,"custom_fields":{"nbsync_drift":"in sync"}})", ""},
                  {"netbox", "journal", 1, R"({"comments":"x"})", "key"}});
  EXPECT_EQ(outbox_rows(), 2);  // the fields row, now with both fields, and the journal entry
  const auto fields = sql().query("SELECT payload FROM outbox WHERE kind = 'device_fields'");
  ASSERT_TRUE(fields->next());
  const auto payload = nlohmann::json::parse(fields->text(0));
  EXPECT_EQ(payload["custom_fields"]["nbsync_backup_status"], "ok");
  EXPECT_EQ(payload["custom_fields"]["nbsync_drift"], "in sync");
}

TEST_P(DriftStoreTest, LatestListsDevicesByTheVerdictOfTheirNewestVersion) {
  store(device(1), "a\n");
  store(device(2), "b\n");
  drift().record(1, drift().candidate(1)->snapshot_id, {"differs", 2, 0, "[]"}, 5000, "2 lines differ", {});
  store(device(1), "a2\n");  // a new version not checked yet: the device is not listed
  drift().record(2, drift().candidate(2)->snapshot_id, {"no_template", 0, 0, "[]"}, 5000, "no template", {});
  const auto latest = drift().latest({});
  ASSERT_EQ(latest.size(), 1U);
  EXPECT_EQ(latest[0].device_id, 2);
  EXPECT_EQ(latest[0].status, "no_template");
}

TEST_P(DriftStoreTest, CheckingAVersionAgainReplacesItsVerdict) {
  store(device(1), "hostname a\n");
  const auto candidate = drift().candidate(1);
  ASSERT_TRUE(candidate);
  drift().record(1, candidate->snapshot_id, {"differs", 1, 0, R"([{"kind":"missing"}])"}, 5000, "1 line differs", {});
  drift().record(1, candidate->snapshot_id, {"in_sync", 0, 0, "[]"}, 6000, "in sync", {});
  const auto history = drift().history(1);
  ASSERT_EQ(history.size(), 1U);
  EXPECT_EQ(history[0].checked_at, 6000);
  EXPECT_EQ(history[0].verdict.status, "in_sync");
  EXPECT_EQ(history[0].verdict.lines, "[]");
}

TEST_P(DriftStoreTest, FieldsBeingSentAreNotChangedButFollowInARowOfTheirOwn) {
  store(device(1), "hostname a\n");
  sql().execute("DELETE FROM outbox");
  sql().execute(R"(INSERT INTO outbox (created_at, channel, kind, device_id, payload, sending_since)
                   VALUES (1, 'netbox', 'device_fields', 1, '{"id":1,"custom_fields":{"a":"1"}}', 4000))");
  drift().record(1, drift().candidate(1)->snapshot_id, {"in_sync", 0, 0, "[]"}, 5000, "in sync",
                 {{"netbox", "device_fields", 1, R"({"id":1,"custom_fields":{"nbsync_drift":"in sync"}})", ""}});
  EXPECT_EQ(outbox_rows(), 2);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE payload LIKE '%nbsync_drift%'"), 1);
}

TEST_P(DriftStoreTest, LatestHonoursTheFilter) {
  store(device(1), "a\n");
  drift().record(1, drift().candidate(1)->snapshot_id, {"differs", 2, 0, "[]"}, 5000, "2 lines differ", {});
  EXPECT_EQ(drift().latest({"cisco-ios", "site-a", "access"}).size(), 1U);
  EXPECT_TRUE(drift().latest({"", "site-b", ""}).empty());
  EXPECT_TRUE(drift().latest({"junos", "", ""}).empty());
}

NBSYNC_ON_BOTH_BACKENDS(DriftStoreTest);

}  // namespace
}  // namespace nbsync::storage
