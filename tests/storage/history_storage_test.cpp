// Delta storage, retention, the search index and compliance results, on a real database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/compliance_history.hpp"
#include "storage/config_history.hpp"
#include "storage/config_search.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/trigrams.hpp"
#include "storage/history_pruner.hpp"
#include "storage/search_index.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::ok_attempt;

std::int64_t count(Database& db, const std::string& sql) {
  return db.sqlite().execAndGet(sql).getInt64();
}

// A 300-line config whose version `v` differs from v-1 in one line.
std::string versioned_config(std::int64_t device_id, int version) {
  std::string text = "hostname dev" + std::to_string(device_id) + "\n";
  for (int i = 0; i < 300; ++i) {
    text.append("interface GigabitEthernet1/0/").append(std::to_string(i)).append("\n");
    text.append(" description uplink ").append(std::to_string(i == version % 300 ? version : 0)).append("\n");
  }
  return text;
}

constexpr const char* k_deltas_without_base = R"sql(
  SELECT count(*) FROM blobs d
  WHERE d.base_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = d.base_sha256)
)sql";

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

TEST_F(HistoryStorageTest, KeepVersionsPrunesOldestAndNeverStrandsADelta) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 12);
  store_versions(store, 2, 2);
  const std::int64_t blobs_before = count(m_db, "SELECT count(*) FROM blobs");

  const PruneResult pruned = prune_history(m_db, {3, 0}, 0);
  EXPECT_EQ(pruned.snapshots, 9);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots WHERE device_id = 1"), 3);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots WHERE device_id = 2"), 2);
  EXPECT_EQ(count(m_db, k_deltas_without_base), 0);
  // The kept versions 10..12 were deltas of version 9 and older: the oldest kept one was
  // rewritten as a full copy and everything older went.
  EXPECT_GE(pruned.rebased, 1);
  EXPECT_LT(count(m_db, "SELECT count(*) FROM blobs"), blobs_before);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 5);
  expect_every_version_reads_back(1, 10);
  expect_every_version_reads_back(2, 1);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST_F(HistoryStorageTest, KeepDaysKeepsWhatWasCurrentInTheWindowAndAlwaysTheLatest) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 4);
  // Versions 1..4 taken on days 0, 10, 20, 30; "now" is day 100.
  m_db.sqlite().exec("UPDATE snapshots SET taken_at = (id - 1) * 10 * 86400");
  const std::int64_t now = 100 * 86400;

  // Keep 75 days: version 3 was current until day 30 (inside), versions 1 and 2 were
  // replaced on days 10 and 20 (outside).
  EXPECT_EQ(prune_history(m_db, {0, 75}, now).snapshots, 2);
  expect_every_version_reads_back(1, 3);
  // Keep 1 day: the latest stays although it is 70 days old.
  EXPECT_EQ(prune_history(m_db, {0, 1}, now).snapshots, 1);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots"), 1);
  expect_every_version_reads_back(1, 4);
  EXPECT_EQ(count(m_db, k_deltas_without_base), 0);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 1);
}

TEST_F(HistoryStorageTest, PruningKeepsAttemptsAndDropsTheirSnapshotLink) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 3);
  EXPECT_EQ(prune_history(m_db, {1, 0}, 0).snapshots, 2);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM attempts"), 3);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM attempts WHERE snapshot_id IS NOT NULL"), 1);
}

TEST_F(HistoryStorageTest, NoRetentionPrunesNothing) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 3);
  EXPECT_EQ(prune_history(m_db, {}, 1'000'000'000).snapshots, 0);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM snapshots"), 3);
}

std::vector<std::string> scan_names(Database& db, const std::vector<std::string>& literals, ConfigScan* scan = nullptr,
                                    const DeviceFilter& filter = {}) {
  std::vector<std::string> names;
  ConfigSearch search(db);
  const ConfigScan result = search.scan(literals, filter, [&](const LatestConfig& latest) {
    names.push_back(latest.device.name);
    return true;
  });
  if (scan != nullptr) {
    *scan = result;
  }
  return names;
}

TEST_F(HistoryStorageTest, SearchIndexNarrowsToDevicesHoldingTheLiteralsOfTheirLatestConfig) {
  SnapshotStore store(m_db, 0, 10);
  const std::int64_t run = store.begin_run();
  DeviceRecord other = device(3);
  other.platform = "arista-eos";
  store.upsert_devices(run, std::vector<DeviceRecord>{device(1), device(2), other});
  store.record_attempt(run, ok_attempt(1, "hostname a\nsnmp-server community <masked> RO\n"));
  store.record_attempt(run, ok_attempt(2, "hostname b\nline vty 0 4\n transport input telnet\n"));
  store.record_attempt(run, ok_attempt(3, "hostname c\nSNMP-Server Community <masked> RO\n"));
  store.finish_run(run, true);
  EXPECT_EQ(update_search_index(m_db), 3);

  ConfigScan scan;
  EXPECT_THAT(scan_names(m_db, {"snmp-server community"}, &scan), ::testing::ElementsAre("dev1", "dev3"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_EQ(scan.devices_read, 2);
  EXPECT_THAT(scan_names(m_db, {"snmp-server community"}, nullptr, {"arista-eos", "", ""}),
              ::testing::ElementsAre("dev3"));
  EXPECT_THAT(scan_names(m_db, {"telnet", "vty"}), ::testing::ElementsAre("dev2"));
  EXPECT_THAT(scan_names(m_db, {"no such line"}), ::testing::IsEmpty());
  // Literals too short to narrow read every config.
  EXPECT_THAT(scan_names(m_db, {"ab"}, &scan), ::testing::SizeIs(3));
  EXPECT_FALSE(scan.narrowed);

  // Device 2 drops telnet: the index forgets its old text.
  const std::int64_t next = store.begin_run();
  store.upsert_devices(next, std::vector<DeviceRecord>{device(2)});
  store.record_attempt(next, ok_attempt(2, "hostname b\nline vty 0 4\n transport input ssh\n"));
  store.finish_run(next, false);
  // Not indexed yet: device 2 is read anyway, so the search stays complete.
  EXPECT_THAT(scan_names(m_db, {"input ssh"}), ::testing::ElementsAre("dev2"));
  EXPECT_EQ(update_search_index(m_db), 1);
  EXPECT_THAT(scan_names(m_db, {"telnet"}), ::testing::IsEmpty());
  EXPECT_THAT(scan_names(m_db, {"input ssh"}), ::testing::ElementsAre("dev2"));
}

TEST_F(HistoryStorageTest, DevicesNotIndexedYetAreReadAndTheUpdateCatchesUp) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 2);
  store_versions(store, 1, 2);
  ConfigScan scan;
  // Nothing indexed: every device is read, and the regex (here: the caller) decides.
  EXPECT_THAT(scan_names(m_db, {"hostname dev1"}, &scan), ::testing::ElementsAre("dev1", "dev2"));
  EXPECT_EQ(scan.devices_read, 2);
  EXPECT_EQ(update_search_index(m_db), 2);
  EXPECT_EQ(update_search_index(m_db), 0);
  EXPECT_THAT(scan_names(m_db, {"hostname dev1"}, &scan), ::testing::ElementsAre("dev1"));
  EXPECT_EQ(scan.devices_read, 1);
}

TEST_F(HistoryStorageTest, PruningKeepsTheVersionTheIndexStillHolds) {
  SnapshotStore store(m_db, 0, 10);
  store_versions(store, 1);
  EXPECT_EQ(update_search_index(m_db), 1);
  store_versions(store, 3, 1, 2);  // versions 2..4, not indexed yet
  prune_history(m_db, {1, 0}, 0);
  // Version 1's text is still needed to take it out of the index.
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs WHERE sha256 = (SELECT sha256 FROM search_index_state)"), 1);
  EXPECT_EQ(update_search_index(m_db), 1);
  prune_history(m_db, {1, 0}, 0);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM blobs"), 1);
  EXPECT_THAT(scan_names(m_db, {"hostname dev1"}), ::testing::ElementsAre("dev1"));
}

TEST(ConfigSearchExpression, EveryTrigramQuotedOnceAndQuotesDoubled) {
  const detail::CommonTrigrams none;
  EXPECT_EQ(ConfigSearch::match_expression({"abcd"}, none), R"("abc" AND "bcd")");
  EXPECT_EQ(ConfigSearch::match_expression({"a\"bc", "abc"}, none), R"("""bc" AND "a""b" AND "abc")");
  EXPECT_EQ(ConfigSearch::match_expression({"ab", ""}, none), "");
}

TEST(ConfigSearchExpression, CommonTrigramsAreLeftOutWhateverTheirCase) {
  const auto common = detail::CommonTrigrams::of_keys({detail::trigram_key("abc"), detail::trigram_key("cde")});
  EXPECT_EQ(ConfigSearch::match_expression({"ABCDE"}, common), R"("BCD")");
  EXPECT_EQ(ConfigSearch::match_expression({"abc", "cde"}, common), "");
}

TEST(CommonTrigramCounter, KeepsWhatAtLeastHalfTheConfigsHold) {
  detail::CommonTrigramCounter counter;
  counter.add("interface a\ninterface a\n");  // twice in one config counts once
  counter.add("interface b\n");
  counter.add("hostname x\n");
  counter.add("hostname y\nINTERFACE c\n");  // case folded
  const detail::CommonTrigrams common = counter.common();
  EXPECT_TRUE(common.contains(detail::trigram_key("int")));
  EXPECT_TRUE(common.contains(detail::trigram_key("rfa")));
  EXPECT_TRUE(common.contains(detail::trigram_key("hos")));  // 2 of 4 is half
  EXPECT_FALSE(common.contains(detail::trigram_key("e a")));
  EXPECT_FALSE(common.contains(detail::trigram_key("a\ni")));  // never across lines
  EXPECT_EQ(detail::CommonTrigrams::unpack(common.packed()).packed(), common.packed());
}

// Configs for a fleet large enough to choose the common trigrams: every one holds the
// same interface lines; a few hold a rare line.
std::string fleet_config(std::int64_t device_id, const std::string& extra = "") {
  return "hostname dev" + std::to_string(device_id) + "\ninterface Loopback0\n description management\n" + extra;
}

TEST_F(HistoryStorageTest, OnceTheFleetIsLargeEnoughCommonTrigramsAreLeftOutAndSearchStaysComplete) {
  SnapshotStore store(m_db, 0, 10);
  const auto store_fleet = [&](std::int64_t from, std::int64_t to) {
    const std::int64_t run = store.begin_run();
    for (std::int64_t id = from; id <= to; ++id) {
      store.upsert_devices(run, std::vector<DeviceRecord>{device(id)});
      const std::string extra = id == 7     ? " ip ospf authentication-key <masked>\n"
                                : id == 120 ? "snmp-server location Rack 8\n"
                                            : "";
      store.record_attempt(run, ok_attempt(id, fleet_config(id, extra)));
    }
    store.finish_run(run, false);
  };
  // A small fleet: every trigram is indexed, no plan yet.
  store_fleet(1, 20);
  EXPECT_EQ(update_search_index(m_db), 20);
  EXPECT_EQ(count(m_db, "SELECT count(*) FROM search_index_plan"), 0);

  // Past 200 configs the plan is chosen and the index rebuilt without the common ones.
  store_fleet(21, 250);
  EXPECT_EQ(update_search_index(m_db), 250);
  EXPECT_EQ(count(m_db, "SELECT sample_configs FROM search_index_plan"), 250);
  const auto common = detail::read_search_plan(m_db.sqlite());
  ASSERT_TRUE(common.has_value());
  EXPECT_TRUE(common->contains(detail::trigram_key("loo")));
  EXPECT_FALSE(common->contains(detail::trigram_key("osp")));
  EXPECT_EQ(update_search_index(m_db), 0);

  ConfigScan scan;
  // Only common trigrams: the index cannot narrow, every config is read.
  EXPECT_THAT(scan_names(m_db, {"interface loopback0"}, &scan), ::testing::SizeIs(250));
  EXPECT_FALSE(scan.narrowed);
  // A rare literal next to common ones narrows to the configs holding it.
  EXPECT_THAT(scan_names(m_db, {"ip ospf authentication"}, &scan), ::testing::ElementsAre("dev7"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_THAT(scan_names(m_db, {"SNMP-SERVER location rack 8"}, &scan), ::testing::ElementsAre("dev120"));
  // Every config holding the literal is read (a superset: the caller's regex decides).
  const std::vector<std::string> read = scan_names(m_db, {"hostname dev12"}, &scan);
  EXPECT_TRUE(scan.narrowed);
  EXPECT_LT(read.size(), 250U);
  for (const char* name : {"dev12", "dev120", "dev121", "dev129"}) {
    EXPECT_THAT(read, ::testing::Contains(name));
  }

  // A change takes the old text out with the same plan it went in with.
  const std::int64_t run = store.begin_run();
  store.upsert_devices(run, std::vector<DeviceRecord>{device(7)});
  store.record_attempt(run, ok_attempt(7, fleet_config(7, " ip ospf message-digest-key 1 md5 <masked>\n")));
  store.finish_run(run, false);
  EXPECT_EQ(update_search_index(m_db), 1);
  EXPECT_THAT(scan_names(m_db, {"authentication-key"}), ::testing::IsEmpty());
  EXPECT_THAT(scan_names(m_db, {"message-digest"}), ::testing::ElementsAre("dev7"));
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
