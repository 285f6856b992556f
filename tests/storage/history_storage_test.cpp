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
