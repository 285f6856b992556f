// Delta storage and compliance results, on a real database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/compliance_history.hpp"
#include "storage/config_history.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::ok_attempt;
using test_support::versioned_config;

std::int64_t count(Database& db, const std::string& sql) {
  return db.sqlite().execAndGet(sql).getInt64();
}

class HistoryStorageTest : public ::testing::Test {
protected:
  test::TempDir m_dir;
  Database m_db{m_dir / "nbsync.db"};

  // Stores `versions` versions of device 1 (one run each) with `store`.
  void store_versions(SnapshotStore& store, int versions, std::int64_t device_id = 1, int first = 1) {
    for (int v = first; v < first + versions; ++v) {
      const std::int64_t run = store.begin_run();
      store.upsert_devices(run, std::vector<DeviceRecord>{device(device_id)});
      ASSERT_TRUE(store.record_attempt(run, ok_attempt(device_id, versioned_config(device_id, v))).changed);
      store.finish_run(run, false);
    }
  }

  void expect_every_version_reads_back(std::int64_t device_id, int first_version) {
    ConfigHistory history(m_db);
    const auto versions = history.versions(device_id);
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const int v = first_version + static_cast<int>(i);
      EXPECT_EQ(history.text(versions[i]), versioned_config(device_id, v)) << "version " << v;
    }
  }
};

TEST_F(HistoryStorageTest, VersionsAreDeltasWithAFullCopyEveryN) {
  SnapshotStore store(m_db, 0, 4);
  store_versions(store, 9);
  EXPECT_EQ(count(m_db, "SELECT group_concat(depth, '') FROM (SELECT depth FROM blobs ORDER BY rowid)"), 12301230);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs WHERE codec = 'zstd'"), 3);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs WHERE codec = 'zstd-delta'"), 6);
  // A one-line change costs a small fraction of a full copy.
  const std::int64_t full = count(m_db, "SELECT max(length(content)) FROM blobs WHERE codec = 'zstd'");
  const std::int64_t delta = count(m_db, "SELECT max(length(content)) FROM blobs WHERE codec = 'zstd-delta'");
  EXPECT_LT(delta * 5, full) << "delta " << delta << " bytes, full copy " << full;
  expect_every_version_reads_back(1, 1);
}

TEST_F(HistoryStorageTest, FullCopyEveryOneStoresNoDeltas) {
  SnapshotStore store(m_db, 0, 1);
  store_versions(store, 5);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs WHERE codec = 'zstd' AND base_sha256 IS NULL"), 5);
  expect_every_version_reads_back(1, 1);
}

// ComplianceIsCheckedOncePerVersionAndRuleSet runs on both backends in snapshot_store_test.cpp.

TEST_F(HistoryStorageTest, TheLatestComplianceIsEachDevicesNewestRuleSetByNameAndOnlyTheWantedOnes) {
  SnapshotStore store(m_db, 0, 10);
  const auto rules = [](std::string digest, std::string rule, bool passed) {
    ComplianceHooks hooks;
    hooks.rules_digest = std::move(digest);
    hooks.evaluate = [rule, passed](const DeviceRecord&, std::string_view) {
      return std::vector<ComplianceCheck>{
          {rule, "error", passed, passed ? std::vector<std::string>{} : std::vector<std::string>{"found"}}};
    };
    return hooks;
  };
  const auto cycle = [&] {
    const std::int64_t run = store.begin_run();
    DeviceRecord zulu = device(1);
    zulu.name = "zulu";
    DeviceRecord alpha = device(2);
    alpha.name = "alpha";
    store.upsert_devices(run, std::vector<DeviceRecord>{zulu, alpha});
    store.record_attempt(run, ok_attempt(1, "hostname zulu\n"));
    store.record_attempt(run, ok_attempt(2, "hostname alpha\n"));
    store.finish_run(run, false);
  };
  store.set_compliance_hooks(rules("digest-b", "old-rule", false));
  cycle();
  store.set_compliance_hooks(rules("digest-c", "new-rule", true));  // the same versions, checked again
  cycle();
  std::vector<DeviceComplianceState> seen;
  visit_latest_compliance(m_db, [&](const DeviceComplianceState& state) { seen.push_back(state); });
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].name, "alpha") << "by name";
  EXPECT_EQ(seen[1].name, "zulu");
  for (const auto& state : seen) {
    ASSERT_EQ(state.checks.size(), 1u) << state.name;
    EXPECT_EQ(state.checks[0].rule, "new-rule") << "the newest rule set's results alone";
    EXPECT_TRUE(state.checks[0].passed);
  }
  seen.clear();
  visit_latest_compliance(
      m_db, [&](const DeviceComplianceState& state) { seen.push_back(state); },
      [](std::int64_t id) { return id == 1; });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].device_id, 1);
}

TEST_F(HistoryStorageTest, FailingSinceIsTheStartOfTheCurrentRunOfFailingVersions) {
  SnapshotStore store(m_db, 0, 10);
  ComplianceHooks hooks;
  hooks.rules_digest = "d";
  hooks.evaluate = [](const DeviceRecord&, std::string_view config) {
    const bool bad = config.find("bad") != std::string_view::npos;
    return std::vector<ComplianceCheck>{{"rule", "error", !bad, {}}};
  };
  store.set_compliance_hooks(hooks);
  for (const char* text : {"v1 bad\n", "v2 bad\n", "v3 good\n", "v4 bad\n", "v5 bad\n"}) {
    const std::int64_t run = store.begin_run();
    store.upsert_devices(run, std::vector<DeviceRecord>{device(1)});
    store.record_attempt(run, ok_attempt(1, text));
    store.finish_run(run, false);
  }
  m_db.sqlite().exec("UPDATE snapshots SET taken_at = id * 1000");
  EXPECT_EQ(compliance_failing_since(m_db, 1, "rule"), 4000);
  EXPECT_EQ(compliance_failing_since(m_db, 1, "other rule"), std::nullopt);
  const std::int64_t run = store.begin_run();
  store.upsert_devices(run, std::vector<DeviceRecord>{device(1)});
  store.record_attempt(run, ok_attempt(1, "v6 good\n"));
  store.finish_run(run, false);
  EXPECT_EQ(compliance_failing_since(m_db, 1, "rule"), std::nullopt);
}

}  // namespace
}  // namespace nbsync::storage
