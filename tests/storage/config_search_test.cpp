// Search over the latest configs on both backends: the index (the same trigrams in SQLite's
// FTS5 and PostgreSQL's GIN over integer arrays) narrows to a superset of the configs holding the literals, devices
// not indexed yet are always read, and the regex (the caller) decides.
#include "storage/config_search.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "storage/config_grep.hpp"
#include "storage/detail/search_index_writes.hpp"
#include "storage/detail/trigram_array.hpp"
#include "storage/detail/trigrams.hpp"
#include "storage/history_pruner.hpp"
#include "storage/regex_literals.hpp"
#include "storage/search_index.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/storage/version_rows.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::versioned_config;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ConfigSearchTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_rows.emplace(sql());
    }
  }

  std::int64_t count(const std::string& sql_text) { return detail::query_integer(sql(), sql_text); }

  void store(const DeviceRecord& record, const std::string& config) { m_rows->store(record, config); }

  std::vector<std::string> scan_names(const std::vector<std::string>& literals, ConfigScan* scan = nullptr,
                                      const DeviceFilter& filter = {}) {
    std::vector<std::string> names;
    ConfigSearch search(database());
    const ConfigScan result = search.scan(literals, filter, [&](const LatestConfig& latest) {
      names.push_back(latest.device.name);
      return true;
    });
    if (scan != nullptr) {
      *scan = result;
    }
    return names;
  }

  // What `nbsync search REGEX` finds: the devices with a matching line.
  std::vector<std::string> grep_names(const std::string& regex, ConfigScan* scan = nullptr) {
    const Pattern pattern = compile_search_pattern(regex);
    std::vector<std::string> names;
    ConfigSearch search(database());
    const ConfigScan result = search.scan(required_literals(regex), {}, [&](const LatestConfig& latest) {
      if (for_each_matching_line(pattern, latest.text, [](std::int64_t, std::string_view) { return false; }) > 0) {
        names.push_back(latest.device.name);
      }
      return true;
    });
    if (scan != nullptr) {
      *scan = result;
    }
    return names;
  }

  std::optional<test_support::VersionRows> m_rows;
};

TEST_P(ConfigSearchTest, TheIndexNarrowsToDevicesHoldingTheLiteralsOfTheirLatestConfig) {
  DeviceRecord other = device(3);
  other.platform = "arista-eos";
  store(device(1), "hostname a\nsnmp-server community <masked> RO\n");
  store(device(2), "hostname b\nline vty 0 4\n transport input telnet\n");
  store(other, "hostname c\nSNMP-Server Community <masked> RO\n");
  EXPECT_EQ(update_search_index(database()), 3);

  ConfigScan scan;
  EXPECT_THAT(scan_names({"snmp-server community"}, &scan), ElementsAre("dev1", "dev3"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_EQ(scan.devices_read, 2);
  EXPECT_THAT(scan_names({"snmp-server community"}, nullptr, {"arista-eos", "", ""}), ElementsAre("dev3"));
  EXPECT_THAT(scan_names({"telnet", "vty"}), ElementsAre("dev2"));
  EXPECT_THAT(scan_names({"no such line"}), IsEmpty());
  // Literals too short to narrow read every config.
  EXPECT_THAT(scan_names({"ab"}, &scan), SizeIs(3));
  EXPECT_FALSE(scan.narrowed);

  // Device 2 drops telnet: the index forgets its old text.
  store(device(2), "hostname b\nline vty 0 4\n transport input ssh\n");
  // Not indexed yet: device 2 is read anyway, so the search stays complete.
  EXPECT_THAT(scan_names({"input ssh"}), ElementsAre("dev2"));
  EXPECT_EQ(update_search_index(database()), 1);
  EXPECT_THAT(scan_names({"telnet"}), IsEmpty());
  EXPECT_THAT(scan_names({"input ssh"}), ElementsAre("dev2"));
}

TEST_P(ConfigSearchTest, DevicesNotIndexedYetAreReadAndTheUpdateCatchesUp) {
  store(device(1), versioned_config(1, 1));
  store(device(1), versioned_config(1, 2));
  store(device(2), versioned_config(2, 1));
  ConfigScan scan;
  // Nothing indexed: every device is read, and the regex (here: the caller) decides.
  EXPECT_THAT(scan_names({"hostname dev1"}, &scan), ElementsAre("dev1", "dev2"));
  EXPECT_EQ(scan.devices_read, 2);
  EXPECT_EQ(update_search_index(database()), 2);
  EXPECT_EQ(update_search_index(database()), 0);
  EXPECT_THAT(scan_names({"hostname dev1"}, &scan), ElementsAre("dev1"));
  EXPECT_EQ(scan.devices_read, 1);
}

// Collectors sharing PostgreSQL run the pass after their runs together: while one does, the
// others skip it rather than index the same configs.
TEST_P(ConfigSearchTest, OnPostgresOneConnectionAtATimeRunsThePassAfterTheRun) {
  if (!on_postgres()) {
    GTEST_SKIP() << "one SQLite process writes the file";
  }
  store(device(1), versioned_config(1, 1));
  store(device(2), versioned_config(2, 1));
  const auto other = open_database();
  other->connection().execute("SELECT pg_advisory_lock(CAST(31070495536210793 AS bigint))");
  EXPECT_EQ(update_search_index(database()), 0) << "another collector is running the pass";
  detail::query_integer(other->connection(),
                        "SELECT CAST(pg_advisory_unlock(CAST(31070495536210793 AS bigint)) AS integer)");
  EXPECT_EQ(update_search_index(database()), 2);
  EXPECT_EQ(update_search_index(*other), 0) << "the lock went with the pass";
}

TEST_P(ConfigSearchTest, ReadingTheCandidatesByIdOrWalkingByNameFindsTheSameDevicesInTheSameOrder) {
  for (std::int64_t id = 1; id <= 30; ++id) {
    DeviceRecord record = device(id);
    record.name = "dev" + std::to_string(31 - id);  // names sort against ids
    record.site = id % 2 == 0 ? "site-b" : "site-a";
    store(record, id % 4 == 0 ? "hostname x\nntp server 10.0.0.1\n" : versioned_config(id, 1));
  }
  EXPECT_EQ(update_search_index(database()), 30);
  EXPECT_EQ(count("SELECT count(*) FROM search_index_pending"), 0);
  store(device(5), "hostname x\nntp server 10.0.0.1\n");  // a new version, not indexed yet
  store(device(8), "hostname y\n");
  EXPECT_EQ(count("SELECT count(*) FROM search_index_pending"), 2);
  sql().execute("UPDATE devices SET retired_at = 9 WHERE id = 12");
  const auto names = [&](std::int64_t few, const std::vector<std::string>& literals, const DeviceFilter& filter) {
    std::vector<std::string> found;
    ConfigSearch(database(), few).scan(literals, filter, [&](const LatestConfig& latest) {
      found.push_back(latest.device.name + "@" + std::to_string(latest.snapshot_id));
      return true;
    });
    return found;
  };
  for (const DeviceFilter& filter : {DeviceFilter{}, DeviceFilter{"", "site-b", ""}}) {
    for (const std::vector<std::string>& literals :
         {std::vector<std::string>{"ntp server"}, {"hostname dev7"}, {"description uplink"}, {"no such line"}}) {
      const auto by_id = names(ConfigSearch::k_few_candidates, literals, filter);
      EXPECT_EQ(by_id, names(0, literals, filter)) << literals[0];
    }
  }
  // Read: the indexed configs with the line, and devices 5 and 8 (renamed back to dev5
  // and dev8) whose new versions are not indexed yet; not device 12 (retired).
  EXPECT_THAT(scan_names({"ntp server"}), ElementsAre("dev11", "dev15", "dev27", "dev3", "dev5", "dev7", "dev8"));
}

TEST_P(ConfigSearchTest, IndexingWhileIdleTakesTheDevicesItIsGivenOnce) {
  for (std::int64_t id = 1; id <= 3; ++id) {
    store(device(id), versioned_config(id, 1));
  }
  const std::vector<std::int64_t> devices = {3, 1, 99};  // 99 has no config
  // A fleet this small has no plan yet: nothing is indexed while idle (it would be redone
  // once the plan is chosen).
  const IdleIndexResult before_plan = index_devices_now(database(), devices);
  EXPECT_FALSE(before_plan.plan_chosen);
  EXPECT_EQ(before_plan.indexed, 0);

  detail::write_search_plan(sql(), detail::CommonTrigrams::of_keys({detail::trigram_key("hos")}), 3);
  const IdleIndexResult first = index_devices_now(database(), devices);
  EXPECT_TRUE(first.plan_chosen);
  EXPECT_EQ(first.indexed, 2);
  EXPECT_EQ(index_devices_now(database(), devices).indexed, 0);
  EXPECT_EQ(update_search_index(database()), 1);  // device 2 is left
  EXPECT_THAT(scan_names({"hostname dev3"}), ElementsAre("dev3"));
}

TEST_P(ConfigSearchTest, TheRegexDecidesAlsoWhenNoLiteralCanNarrow) {
  store(device(1), "hostname core-01\ninterface Vlan10\n");
  store(device(2), "hostname core-02\ninterface Vlan20\n");
  store(device(3), "hostname edge-01\n");
  update_search_index(database());

  ConfigScan scan;
  EXPECT_THAT(grep_names(R"(^hostname \S+-0?1$)", &scan), ElementsAre("dev1", "dev3"));
  EXPECT_THAT(grep_names(R"(^interface Vlan\d+$)", &scan), ElementsAre("dev1", "dev2"));
  EXPECT_THAT(grep_names("^i.*[0-9]$", &scan), ElementsAre("dev1", "dev2"));  // no literal to narrow with
  EXPECT_FALSE(scan.narrowed);
  EXPECT_EQ(scan.devices_read, 3);
  EXPECT_THAT(grep_names("core|edge"), ElementsAre("dev1", "dev2", "dev3"));
  // A literal narrows, the regex still decides among what is read.
  EXPECT_THAT(grep_names(R"(interface Vlan2\d)", &scan), ElementsAre("dev2"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_EQ(scan.devices_read, 1);
}

TEST_P(ConfigSearchTest, CaseWildcardsAndNonAsciiNeverHideAMatch) {
  store(device(1), "hostname a\nsnmp-server location Büro 3_OG 100%\n");
  store(device(2), "hostname b\nsnmp-server location Buero 3xOG 1000\n");
  store(device(3), "hostname c\nbanner motd ^C\xff\xfe not UTF-8 ^C\n");
  update_search_index(database());

  ConfigScan scan;
  EXPECT_THAT(grep_names("(?i)SNMP-SERVER LOCATION", &scan), ElementsAre("dev1", "dev2"));
  EXPECT_TRUE(scan.narrowed);
  // LIKE's own wildcards in a literal are plain characters.
  EXPECT_THAT(grep_names(R"(3_OG 100%)", &scan), ElementsAre("dev1"));
  EXPECT_EQ(scan.devices_read, 1);
  // A literal with non-ASCII bytes narrows by its ASCII parts only.
  EXPECT_THAT(grep_names("location Büro", &scan), ElementsAre("dev1"));
  EXPECT_THAT(grep_names("\xff\xfe not UTF-8"), ElementsAre("dev3"));
}

TEST_P(ConfigSearchTest, PruningKeepsTheVersionTheIndexStillHolds) {
  store(device(1), versioned_config(1, 1));
  EXPECT_EQ(update_search_index(database()), 1);
  for (int v = 2; v <= 4; ++v) {  // not indexed yet
    store(device(1), versioned_config(1, v));
  }
  prune_history(database(), {1, 0}, 0);
  // Version 1's text is still needed to take it out of the index.
  EXPECT_EQ(count("SELECT count(*) FROM blobs WHERE sha256 = (SELECT sha256 FROM search_index_state)"), 1);
  EXPECT_EQ(update_search_index(database()), 1);
  prune_history(database(), {1, 0}, 0);
  EXPECT_EQ(count("SELECT count(*) FROM blobs"), 1);
  EXPECT_THAT(scan_names({"hostname dev1"}), ElementsAre("dev1"));
}

TEST_P(ConfigSearchTest, AnotherConnectionSearchesWhatThisOneIndexed) {
  store(device(1), "hostname a\nntp server 10.0.3.123 prefer\n");
  store(device(2), "hostname b\nntp server 10.0.3.124\n");
  update_search_index(database());
  const auto other = open_database();
  std::vector<std::string> names;
  ConfigScan scan = ConfigSearch(*other).scan({"10.0.3.123 prefer"}, {}, [&](const LatestConfig& latest) {
    names.push_back(latest.device.name);
    EXPECT_THAT(latest.text, HasSubstr("ntp server"));
    return true;
  });
  EXPECT_THAT(names, ElementsAre("dev1"));
  EXPECT_EQ(scan.devices_read, 1);
}

// Configs for a fleet large enough to choose SQLite's common trigrams: every one holds the
// same interface lines; a few hold a rare line.
std::string fleet_config(std::int64_t device_id, const std::string& extra = "") {
  return "hostname dev" + std::to_string(device_id) + "\ninterface Loopback0\n description management\n" + extra;
}

TEST_P(ConfigSearchTest, OnceTheFleetIsLargeEnoughSearchStaysCompleteAndNarrows) {
  const auto store_fleet = [&](std::int64_t from, std::int64_t to) {
    for (std::int64_t id = from; id <= to; ++id) {
      const std::string extra = id == 7     ? " ip ospf authentication-key <masked>\n"
                                : id == 120 ? "snmp-server location Rack 8\n"
                                            : "";
      store(device(id), fleet_config(id, extra));
    }
  };
  // A small fleet: every trigram is indexed, no plan yet.
  store_fleet(1, 20);
  EXPECT_EQ(update_search_index(database()), 20);
  EXPECT_EQ(count("SELECT count(*) FROM search_index_plan"), 0);

  store_fleet(21, 250);
  // Past 200 configs the plan is chosen and the index rebuilt without the common ones.
  ConfigScan scan;
  EXPECT_EQ(update_search_index(database()), 250);
  EXPECT_EQ(count("SELECT sample_configs FROM search_index_plan"), 250);
  const auto common = detail::read_search_plan(sql());
  ASSERT_TRUE(common.has_value());
  EXPECT_TRUE(common->contains(detail::trigram_key("loo")));
  EXPECT_FALSE(common->contains(detail::trigram_key("osp")));
  // Only common trigrams: the index cannot narrow, every config is read.
  EXPECT_THAT(scan_names({"interface loopback0"}, &scan), SizeIs(250));
  EXPECT_FALSE(scan.narrowed);
  EXPECT_EQ(update_search_index(database()), 0);

  // A rare literal next to common ones narrows to the configs holding it.
  EXPECT_THAT(scan_names({"ip ospf authentication"}, &scan), ElementsAre("dev7"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_THAT(scan_names({"SNMP-SERVER location rack 8"}, &scan), ElementsAre("dev120"));
  // Every config holding the literal is read (a superset: the caller's regex decides).
  const std::vector<std::string> read = scan_names({"hostname dev12"}, &scan);
  EXPECT_TRUE(scan.narrowed);
  EXPECT_LT(read.size(), 250U);
  for (const char* name : {"dev12", "dev120", "dev121", "dev129"}) {
    EXPECT_THAT(read, Contains(name));
  }

  // A change takes the old text out (on SQLite with the same plan it went in with; on
  // PostgreSQL the device's array is replaced).
  store(device(7), fleet_config(7, " ip ospf message-digest-key 1 md5 <masked>\n"));
  EXPECT_EQ(update_search_index(database()), 1);
  EXPECT_THAT(scan_names({"authentication-key"}), IsEmpty());
  EXPECT_THAT(scan_names({"message-digest"}), ElementsAre("dev7"));
}

TEST_P(ConfigSearchTest, RetiredDevicesAreNotSearched) {
  store(device(1), "hostname a\nlogging host 10.9.9.9\n");
  store(device(2), "hostname b\nlogging host 10.9.9.9\n");
  update_search_index(database());
  sql().execute("UPDATE devices SET retired_at = 5 WHERE id = 2");
  EXPECT_THAT(scan_names({"logging host"}), ElementsAre("dev1"));
}

// A plan chosen by another collector meanwhile stands: the second choice changes nothing
// and leaves the index as the first one rebuilt it.
TEST_P(ConfigSearchTest, TheFirstPlanChosenStands) {
  const detail::CommonTrigrams first = detail::CommonTrigrams::of_keys({detail::trigram_key("hos")});
  const detail::CommonTrigrams second = detail::CommonTrigrams::of_keys({detail::trigram_key("int")});
  EXPECT_EQ(detail::write_search_plan(sql(), first, 10).packed(), first.packed());
  store(device(1), "hostname a\ninterface x\n");
  EXPECT_EQ(update_search_index(database()), 1);
  EXPECT_EQ(detail::write_search_plan(sql(), second, 20).packed(), first.packed());
  EXPECT_EQ(count("SELECT sample_configs FROM search_index_plan"), 10);
  EXPECT_EQ(count("SELECT count(*) FROM search_index_state"), 1) << "the index was not emptied again";
  EXPECT_EQ(update_search_index(database()), 0);
}

// Step 15 replaced PostgreSQL's first search index (pg_trgm over each config's folded
// text): a database from before it is indexed again, and searches stay complete meanwhile.
TEST_P(ConfigSearchTest, APostgresIndexFromBeforeStep15IsBuiltAgain) {
  if (!on_postgres()) {
    GTEST_SKIP() << "PostgreSQL's index only";
  }
  store(device(1), "hostname a\nntp server 10.0.0.1\n");
  store(device(2), "hostname b\n");
  EXPECT_EQ(update_search_index(database()), 2);
  // As an nbsync before step 15 left it.
  sql().execute_script(
      "DROP TABLE config_search; CREATE TABLE config_search (device_id bigint PRIMARY KEY, body text NOT NULL); "
      "INSERT INTO config_search SELECT device_id, 'old' FROM search_index_state; "
      "UPDATE schema_version SET version = 14");
  m_database = open_database();
  m_rows.emplace(sql());
  EXPECT_EQ(database().schema_version(), Database::latest_schema_version());
  EXPECT_EQ(count("SELECT count(*) FROM search_index_pending"), 2);
  EXPECT_THAT(scan_names({"ntp server"}), ElementsAre("dev1", "dev2")) << "both not indexed yet: read in full";
  EXPECT_EQ(update_search_index(database()), 2);
  ConfigScan scan;
  EXPECT_THAT(scan_names({"ntp server"}, &scan), ElementsAre("dev1"));
  EXPECT_TRUE(scan.narrowed);
  EXPECT_EQ(scan.devices_read, 1);
}

NBSYNC_ON_BOTH_BACKENDS(ConfigSearchTest);

TEST(PostgresTrigramArray, HoldsEachDistinctTrigramOutsideThePlanOnce) {
  const std::string array = detail::trigram_array("abab\nABA\n", {});
  // "aba" and "bab" (case folded, never across the line break), each once.
  EXPECT_EQ(array,
            "{" + std::to_string(detail::trigram_key("aba")) + "," + std::to_string(detail::trigram_key("bab")) + "}");
  EXPECT_EQ(detail::trigram_array("abab\n", detail::CommonTrigrams::of_keys({detail::trigram_key("aba")})),
            "{" + std::to_string(detail::trigram_key("bab")) + "}");
  EXPECT_EQ(detail::trigram_array("ab\n", {}), "{}");
}

}  // namespace
}  // namespace nbsync::storage
