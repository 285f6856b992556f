#include "storage/detail/state_transition.hpp"

#include <gtest/gtest.h>

#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage::detail {
namespace {

using test_support::failed_attempt;
using test_support::ok_attempt;

RecordedAttempt stored(const std::string& sha, bool changed) {
  RecordedAttempt recorded;
  recorded.sha256 = sha;
  recorded.changed = changed;
  return recorded;
}

TEST(StateTransition, AFirstBackupSetsSuccessAndChange) {
  const auto after = next_state(std::nullopt, ok_attempt(1, "x\n"), stored("aa", true), 100, false);
  EXPECT_EQ(after.status, OutcomeKind::ok);
  EXPECT_EQ(after.config_sha256, "aa");
  EXPECT_EQ(after.last_success_at, 100);
  EXPECT_EQ(after.last_change_at, 100);
  EXPECT_FALSE(after.failing_since);
}

TEST(StateTransition, FailingSinceIsTheFirstFailureOfARunOfFailures) {
  const auto ok = next_state(std::nullopt, ok_attempt(1, "x\n"), stored("aa", true), 100, false);
  const auto first = next_state(ok, failed_attempt(1, OutcomeKind::timeout, "slow"), {}, 200, false);
  EXPECT_EQ(first.failing_since, 200);
  EXPECT_EQ(first.config_sha256, "aa") << "a failure keeps the last stored version";
  EXPECT_EQ(first.last_success_at, 100);
  EXPECT_EQ(first.message, "slow");
  const auto second = next_state(first, failed_attempt(1, OutcomeKind::auth, "refused"), {}, 300, false);
  EXPECT_EQ(second.failing_since, 200) << "still failing, whatever the kind";
  const auto back = next_state(second, ok_attempt(1, "x\n"), stored("aa", false), 400, false);
  EXPECT_FALSE(back.failing_since);
  EXPECT_EQ(back.last_change_at, 100) << "an unchanged config is not a change";
  EXPECT_EQ(back.message, "");
}

TEST(StateTransition, ASkipIsNeitherASuccessNorAFailure) {
  const auto ok = next_state(std::nullopt, ok_attempt(1, "x\n"), stored("aa", true), 100, false);
  const auto skipped = next_state(ok, failed_attempt(1, OutcomeKind::skipped, "no platform"), {}, 200, false);
  EXPECT_FALSE(skipped.failing_since);
  EXPECT_EQ(skipped.last_success_at, 100);
}

TEST(StateTransition, TheComplianceVerdictStandsUntilANewOneAndGoesWithTheRules) {
  DeviceState before;
  before.compliance = "fail: no-telnet";
  RecordedAttempt unchecked = stored("aa", false);
  EXPECT_EQ(next_state(before, ok_attempt(1, "x\n"), unchecked, 100, true).compliance, "fail: no-telnet");
  RecordedAttempt checked = stored("bb", true);
  checked.compliance = "pass";
  EXPECT_EQ(next_state(before, ok_attempt(1, "x\n"), checked, 100, true).compliance, "pass");
  EXPECT_EQ(next_state(before, ok_attempt(1, "x\n"), checked, 100, false).compliance, "") << "no rules: no verdict";
}

}  // namespace
}  // namespace nbsync::storage::detail
