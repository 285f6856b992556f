#include "storage/drift_store.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "storage/snapshot_store.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::ok_attempt;

class DriftStoreTest : public ::testing::Test {
protected:
  test::TempDir m_dir;
  Database m_db{m_dir / "nbsync.db"};
  SnapshotStore m_store{m_db};
  DriftStore m_drift{m_db};

  void store(const DeviceRecord& record, const std::string& config) {
    const std::int64_t run = m_store.begin_run();
    m_store.upsert_devices(run, std::vector<DeviceRecord>{record});
    m_store.record_attempt(run, ok_attempt(record.id, config));
    m_store.commit();
  }

  int outbox_rows() { return m_db.sqlite().execAndGet("SELECT count(*) FROM outbox").getInt(); }
};

TEST_F(DriftStoreTest, CandidateIsTheNewestVersionUntilItIsChecked) {
  EXPECT_FALSE(m_drift.candidate(1));
  store(device(1), "hostname a\n");
  const auto first = m_drift.candidate(1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->text, "hostname a\n");
  EXPECT_FALSE(first->checked_at);
  m_drift.record(1, first->snapshot_id, {"differs", 1, 2, R"([{"kind":"missing","section":"","line":"x"}])"}, 5000,
                 "3 lines differ", {});
  const auto checked = m_drift.candidate(1);
  EXPECT_EQ(checked->checked_at, 5000);
  EXPECT_EQ(checked->device_drift, "3 lines differ");

  store(device(1), "hostname b\n");
  const auto second = m_drift.candidate(1);
  EXPECT_NE(second->snapshot_id, first->snapshot_id);
  EXPECT_FALSE(second->checked_at) << "a new version has no verdict yet";
  m_drift.record(1, second->snapshot_id, {"in_sync", 0, 0, "[]"}, 6000, "in sync", {});

  const auto history = m_drift.history(1);
  ASSERT_EQ(history.size(), 2U);
  EXPECT_EQ(history[0].version, 2);
  EXPECT_EQ(history[0].verdict.status, "in_sync");
  EXPECT_EQ(history[1].version, 1);
  EXPECT_EQ(history[1].verdict.missing, 1);
  EXPECT_EQ(history[1].verdict.extra, 2);
}

TEST_F(DriftStoreTest, FieldsJoinTheDevicesPendingFieldsRow) {
  store(device(1), "hostname a\n");
  m_db.sqlite().exec("DELETE FROM outbox");
  m_db.sqlite().exec(R"(INSERT INTO outbox (created_at, channel, kind, device_id, payload)
                        VALUES (1, 'netbox', 'device_fields', 1,
                                '{"id":1,"custom_fields":{"nbsync_backup_status":"ok"}}'))");
  const auto candidate = m_drift.candidate(1);
  m_drift.record(1, candidate->snapshot_id, {"in_sync", 0, 0, "[]"}, 5000, "in sync",
                 {{"netbox", "device_fields", 1, R"({"id":1,"custom_fields":{"nbsync_drift":"in sync"}})", ""},
                  {"netbox", "journal", 1, R"({"comments":"x"})", "key"}});
  EXPECT_EQ(outbox_rows(), 2);  // the fields row, now with both fields, and the journal entry
  const auto payload = nlohmann::json::parse(
      m_db.sqlite().execAndGet("SELECT payload FROM outbox WHERE kind = 'device_fields'").getString());
  EXPECT_EQ(payload["custom_fields"]["nbsync_backup_status"], "ok");
  EXPECT_EQ(payload["custom_fields"]["nbsync_drift"], "in sync");
}

TEST_F(DriftStoreTest, LatestListsDevicesByTheVerdictOfTheirNewestVersion) {
  store(device(1), "a\n");
  store(device(2), "b\n");
  m_drift.record(1, m_drift.candidate(1)->snapshot_id, {"differs", 2, 0, "[]"}, 5000, "2 lines differ", {});
  store(device(1), "a2\n");  // a new version not checked yet: the device is not listed
  m_drift.record(2, m_drift.candidate(2)->snapshot_id, {"no_template", 0, 0, "[]"}, 5000, "no template", {});
  const auto latest = m_drift.latest({});
  ASSERT_EQ(latest.size(), 1U);
  EXPECT_EQ(latest[0].device_id, 2);
  EXPECT_EQ(latest[0].status, "no_template");
}

}  // namespace
}  // namespace nbsync::storage
