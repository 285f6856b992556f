// The compliance report from compliance_latest (what the writer keeps) against the same
// report from every device's newest results (visit_latest_compliance, how it was read
// before), on both backends: rule sets that change, a version stored without rules, a
// retired device, a rule set that checks nothing, and a token that sees some devices.
#include "storage/compliance_report.hpp"

#include <gtest/gtest.h>

#include <set>

#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using test_support::device;
using test_support::ok_attempt;

constexpr std::int64_t k_devices = 40;

// Rules whose verdicts depend on the device and on the config's first letter; `scope`
// decides which rules apply to a device (none: the rule set checks nothing there).
ComplianceHooks rules(const std::string& digest, int variant) {
  ComplianceHooks hooks;
  hooks.rules_digest = digest;
  hooks.evaluate = [variant](const DeviceRecord& record, std::string_view config) {
    std::vector<ComplianceCheck> checks;
    if (variant == 2 && record.id % 7 == 0) {
      return checks;  // no rule of this set applies to the device
    }
    checks.push_back({"ntp", "error", record.id % 5 != variant, {}});
    checks.push_back({"banner", "warning", config.substr(0, 1) != "b", {}});
    if (variant == 2) {
      checks.push_back({"aaa", "error", record.id % 3 != 0, {}});
    }
    for (auto& check : checks) {
      if (!check.passed) {
        check.problems.push_back(check.rule + " is missing");
      }
    }
    return checks;
  };
  return hooks;
}

class ComplianceReportTest : public test_support::BackendTest {
protected:
  // One cycle over `ids`, each storing `config` plus its id (so a new text is a new version).
  void cycle(SnapshotStore& store, const std::vector<std::int64_t>& ids, const std::string& config) {
    const std::int64_t run = store.begin_run();
    std::vector<DeviceRecord> records;
    for (const std::int64_t id : ids) {
      records.push_back(device(id));
    }
    store.upsert_devices(run, records);
    for (const std::int64_t id : ids) {
      store.record_attempt(run, ok_attempt(id, config + std::to_string(id) + "\n"));
    }
    store.finish_run(run, true);
  }

  // A history with every case the report must get right.
  void store_history() {
    std::vector<std::int64_t> all;
    for (std::int64_t id = 1; id <= k_devices; ++id) {
      all.push_back(id);
    }
    SnapshotStore store(database(), 10);
    store.set_compliance_hooks(rules("rules-1", 1));
    cycle(store, all, "a config of ");
    std::vector<std::int64_t> changed;
    for (std::int64_t id = 1; id <= k_devices; id += 3) {
      changed.push_back(id);
    }
    cycle(store, changed, "b config of ");            // new versions, checked by rules-1
    store.set_compliance_hooks(rules("rules-2", 2));  // new rules: every newest version again
    cycle(store, std::vector<std::int64_t>(all.begin(), all.begin() + 20), "b config of ");
    store.set_compliance_hooks({});  // compliance off: new versions get no results
    cycle(store, {4, 5}, "c config of ");
    sql().execute("UPDATE devices SET retired_at = 9 WHERE id IN (6, 10)");
  }

  // The report as visit_latest_compliance reads it: totals and the failing devices' ids.
  struct Expected {
    ComplianceTotals totals;
    std::vector<std::int64_t> failing;
  };
  Expected read_by_visit(const std::function<bool(std::int64_t)>& wanted) {
    Expected expected;
    visit_latest_compliance(
        database(),
        [&](const DeviceComplianceState& state) {
          ++expected.totals.devices;
          bool fails = false;
          for (const auto& check : state.checks) {
            RuleCount& count = expected.totals.rules[check.rule];
            count.severity = check.severity;
            ++count.checked;
            count.failed += check.passed ? 0 : 1;
            fails = fails || !check.passed;
          }
          if (fails) {
            expected.failing.push_back(state.device_id);
          }
        },
        wanted);
    return expected;
  }

  static void expect_same(const ComplianceTotals& actual, const ComplianceTotals& expected) {
    EXPECT_EQ(actual.devices, expected.devices);
    ASSERT_EQ(actual.rules.size(), expected.rules.size());
    for (const auto& [rule, count] : expected.rules) {
      ASSERT_TRUE(actual.rules.contains(rule)) << rule;
      EXPECT_EQ(actual.rules.at(rule).checked, count.checked) << rule;
      EXPECT_EQ(actual.rules.at(rule).failed, count.failed) << rule;
      EXPECT_EQ(actual.rules.at(rule).severity, count.severity) << rule;
    }
  }

  std::vector<std::int64_t> failing_ids(const std::function<bool(std::int64_t)>& wanted) {
    std::vector<std::int64_t> ids;
    for (const auto& state : failing_compliance(database(), wanted)) {
      ids.push_back(state.device_id);
    }
    return ids;
  }

  void expect_same_report() {
    const Expected everyone = read_by_visit({});
    ASSERT_GT(everyone.totals.devices, 20);  // the history is not empty
    ASSERT_FALSE(everyone.failing.empty());
    expect_same(compliance_totals_except(database(), {}), everyone.totals);
    EXPECT_EQ(failing_ids({}), everyone.failing);

    const std::vector<std::int64_t> hidden = {2, 3, 6, 21, 999};
    const std::set<std::int64_t> hidden_set(hidden.begin(), hidden.end());
    const auto sees_most = [&](std::int64_t id) { return !hidden_set.contains(id); };
    expect_same(compliance_totals_except(database(), hidden), read_by_visit(sees_most).totals);
    EXPECT_EQ(failing_ids(sees_most), read_by_visit(sees_most).failing);

    const std::vector<std::int64_t> shown = {1, 4, 5, 6, 7, 14, 15, 30, 999};
    const std::set<std::int64_t> shown_set(shown.begin(), shown.end());
    const auto sees_few = [&](std::int64_t id) { return shown_set.contains(id); };
    expect_same(compliance_totals_of(database(), shown), read_by_visit(sees_few).totals);
    EXPECT_EQ(failing_ids(sees_few), read_by_visit(sees_few).failing);
    std::vector<std::int64_t> few_failing;
    for (const auto& state : failing_compliance_of(database(), shown)) {
      few_failing.push_back(state.device_id);
    }
    EXPECT_EQ(few_failing, read_by_visit(sees_few).failing);
  }
};

TEST_P(ComplianceReportTest, TheWritersSummaryGivesTheSameReportAsEveryDevicesNewestResults) {
  store_history();
  expect_same_report();
  // The checks of a failing device are its newest results, problems included.
  std::vector<DeviceComplianceState> failing = failing_compliance(database(), {});
  ASSERT_FALSE(failing.empty());
  read_newest_checks(database(), failing[0]);
  std::vector<DeviceComplianceState> visited;
  visit_latest_compliance(
      database(), [&](const DeviceComplianceState& state) { visited.push_back(state); },
      [&](std::int64_t id) { return id == failing[0].device_id; });
  ASSERT_EQ(visited.size(), 1U);
  EXPECT_EQ(failing[0].snapshot_id, visited[0].snapshot_id);
  EXPECT_EQ(failing[0].checked_at, visited[0].checked_at);
  ASSERT_EQ(failing[0].checks.size(), visited[0].checks.size());
  for (std::size_t i = 0; i < visited[0].checks.size(); ++i) {
    EXPECT_EQ(failing[0].checks[i].rule, visited[0].checks[i].rule);
    EXPECT_EQ(failing[0].checks[i].passed, visited[0].checks[i].passed);
    EXPECT_EQ(failing[0].checks[i].problems, visited[0].checks[i].problems);
  }
}

TEST_P(ComplianceReportTest, ADatabaseFromBeforeTheSummaryGetsItFromTheResultsStoredSoFar) {
  store_history();
  // Back to schema 10, as an nbsync before this step left it; opening it migrates again.
  // (Steps after 11 are taken back too.)
  sql().execute_script(
      "DROP TABLE compliance_latest; DROP INDEX devices_retired; DROP TRIGGER snapshots_pending_search" +
      std::string(on_postgres() ? " ON snapshots; DROP FUNCTION nbsync_pending_search()" : "") +
      "; DROP TABLE search_index_pending; ALTER TABLE outbox DROP COLUMN claimed_by; "
      "ALTER TABLE outbox DROP COLUMN lease_until; DROP TABLE device_claims; DROP TABLE zone_cycles; "
      "DROP TABLE collectors; DROP INDEX runs_by_collector; DROP INDEX runs_by_zone_cycle; "
      "ALTER TABLE runs DROP COLUMN zone_cycle; ALTER TABLE runs DROP COLUMN zone; "
      "ALTER TABLE runs DROP COLUMN collector; ALTER TABLE devices DROP COLUMN zone");
  if (on_postgres()) {
    sql().execute("UPDATE schema_version SET version = 10");
  } else {
    sql().execute_script("PRAGMA user_version = 10");
  }
  m_database = open_database();
  EXPECT_EQ(database().schema_version(), Database::latest_schema_version());
  expect_same_report();
}

NBSYNC_ON_BOTH_BACKENDS(ComplianceReportTest);

}  // namespace
}  // namespace nbsync::storage
