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

TEST_F(HistoryStorageTest, ComplianceIsCheckedOncePerVersionAndRuleSet) {
  SnapshotStore store(m_db, 0, 10);
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
  attempt("hostname a\ntransport input telnet\n");
  EXPECT_EQ(evaluations, 1);
  EXPECT_EQ(m_db.sqlite().execAndGet("SELECT compliance FROM device_states").getString(), "fail: no-telnet");
  attempt("hostname a\ntransport input telnet\n");  // unchanged: not checked again
  EXPECT_EQ(evaluations, 1);
  store.set_compliance_hooks(rules("digest-2"));  // new rules: the same version is checked
  attempt("hostname a\ntransport input telnet\n");
  EXPECT_EQ(evaluations, 2);
  attempt("hostname a\ntransport input ssh\n");
  EXPECT_EQ(evaluations, 3);
  EXPECT_EQ(m_db.sqlite().execAndGet("SELECT compliance FROM device_states").getString(), "pass");
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM compliance_results"), 6);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM compliance_results WHERE passed = 0"), 2);
  EXPECT_EQ(m_db.sqlite()
                .execAndGet("SELECT problems FROM compliance_results WHERE passed = 0 AND rules_digest = 'digest-1'")
                .getString(),
            R"(["telnet found"])");
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
