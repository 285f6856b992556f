// Reading stored compliance results on both backends: since when a device fails a rule,
// each version's results, and every device's newest results. The results are written as
// the cycle's writer stores them (one row per snapshot, rule set and rule).
#include "storage/compliance_history.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"
#include "tests/storage/version_rows.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using ::testing::ElementsAre;

class ComplianceHistoryTest : public test_support::BackendTest {
protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (!IsSkipped()) {
      m_rows.emplace(sql());
    }
  }

  // Stores `config` as a new version taken at `taken_at`; returns its snapshot id.
  std::int64_t version(std::int64_t device_id, const std::string& config, std::int64_t taken_at) {
    return m_rows->store(device(device_id), config, taken_at).value();
  }

  void result(std::int64_t snapshot_id, const std::string& digest, const std::string& rule, bool passed,
              std::int64_t checked_at, const std::string& problems = "[]") {
    sql().execute(
        "INSERT INTO compliance_results (snapshot_id, rules_digest, rule, severity, passed, problems, checked_at) "
        "VALUES (?1, ?2, ?3, 'error', ?4, ?5, ?6)",
        detail::SqlParams()
            .add(snapshot_id)
            .add(digest)
            .add(rule)
            .add(std::int64_t{passed ? 1 : 0})
            .add(problems)
            .add(checked_at));
  }

  std::optional<test_support::VersionRows> m_rows;
};

TEST_P(ComplianceHistoryTest, FailingSinceIsTheStartOfTheCurrentRunOfFailingVersions) {
  int n = 0;
  for (const bool passed : {false, false, true, false, false}) {
    ++n;
    result(version(1, "v" + std::to_string(n) + "\n", n * 1000), "d", "rule", passed, n * 1000);
  }
  EXPECT_EQ(compliance_failing_since(database(), 1, "rule"), 4000);
  EXPECT_EQ(compliance_failing_since(database(), 1, "other rule"), std::nullopt);
  EXPECT_EQ(compliance_failing_since(database(), 2, "rule"), std::nullopt);
  result(version(1, "v6\n", 6000), "d", "rule", true, 6000);
  EXPECT_EQ(compliance_failing_since(database(), 1, "rule"), std::nullopt);
}

TEST_P(ComplianceHistoryTest, AVersionCheckedBySeveralRuleSetsCountsWithTheNewest) {
  const std::int64_t first = version(1, "v1\n", 1000);
  result(first, "old-rules", "rule", true, 1000);
  const std::int64_t second = version(1, "v2\n", 2000);
  result(second, "old-rules", "rule", true, 2000);
  result(second, "new-rules", "rule", false, 3000, R"(["line 2 is wrong"])");
  EXPECT_EQ(compliance_failing_since(database(), 1, "rule"), 2000);

  const auto by_snapshot = compliance_by_snapshot(database(), 1);
  ASSERT_EQ(by_snapshot.size(), 2U);
  ASSERT_EQ(by_snapshot.at(second).size(), 1U);
  EXPECT_FALSE(by_snapshot.at(second)[0].passed);
  EXPECT_THAT(by_snapshot.at(second)[0].problems, ElementsAre("line 2 is wrong"));
  EXPECT_TRUE(by_snapshot.at(first)[0].passed);
}

TEST_P(ComplianceHistoryTest, TheReportVisitsEachCurrentDevicesNewestResultsByName) {
  const std::int64_t old_version = version(2, "a1\n", 1000);
  result(old_version, "d", "no-telnet", false, 1000);
  const std::int64_t newest = version(2, "a2\n", 2000);
  result(newest, "d", "no-telnet", true, 2000);
  result(newest, "d", "hostname", false, 2500);
  result(version(1, "b1\n", 1000), "d", "no-telnet", true, 1500);
  result(version(3, "c1\n", 1000), "d", "no-telnet", false, 1500);
  sql().execute("UPDATE devices SET retired_at = 9 WHERE id = 3");
  version(4, "never checked\n", 1000);

  std::vector<DeviceComplianceState> seen;
  visit_latest_compliance(database(), [&](const DeviceComplianceState& state) { seen.push_back(state); });
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0].name, "dev1");
  EXPECT_EQ(seen[1].name, "dev2");
  EXPECT_EQ(seen[1].snapshot_id, newest);
  EXPECT_EQ(seen[1].checked_at, 2500);
  ASSERT_EQ(seen[1].checks.size(), 2U);
  EXPECT_EQ(seen[1].checks[0].rule, "hostname");
  EXPECT_FALSE(seen[1].checks[0].passed);
  EXPECT_TRUE(seen[1].checks[1].passed);
}

NBSYNC_ON_BOTH_BACKENDS(ComplianceHistoryTest);

}  // namespace
}  // namespace nbsync::storage
