#include "web/changes_window.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace nbsync::web {
namespace {

using ::testing::HasSubstr;

constexpr std::int64_t k_now = 1796083200 + 12 * 3600;  // 2026-12-01T12:00:00Z
constexpr std::int64_t k_2026_11_20 = 1795132800;

ChangesWindow window_of(const ChangesTimeParams& params) {
  const auto window = changes_window(params, k_now);
  EXPECT_TRUE(std::holds_alternative<ChangesWindow>(window)) << std::get<std::string>(window);
  return std::get<ChangesWindow>(window);
}

std::string problem_of(const ChangesTimeParams& params) {
  const auto window = changes_window(params, k_now);
  EXPECT_TRUE(std::holds_alternative<std::string>(window));
  return std::holds_alternative<std::string>(window) ? std::get<std::string>(window) : "";
}

TEST(ChangesWindow, AWindowBackFromNow) {
  const auto day = window_of({"24h", "", ""});
  EXPECT_EQ(day.since, k_now - 86400);
  EXPECT_FALSE(day.before);
  EXPECT_EQ(window_of({"7d", "", ""}).since, k_now - 7 * 86400);
  EXPECT_THAT(problem_of({"3w", "", ""}), HasSubstr("since must be one of 1h, 24h, 7d, 30d, 90d or 365d"));
}

TEST(ChangesWindow, DatesPickADayRangeWhoseLastDayIsWhole) {
  const auto range = window_of({"24h", "2026-11-20", "2026-11-22"});
  EXPECT_EQ(range.since, k_2026_11_20);
  EXPECT_EQ(range.before, k_2026_11_20 + 3 * 86400) << "the 22nd is included to its end";
  const auto one_day = window_of({"24h", "2026-11-20", "2026-11-20"});
  EXPECT_EQ(one_day.before, k_2026_11_20 + 86400);
}

TEST(ChangesWindow, TimesAreExactAndEitherEndMayBeOpen) {
  const auto times = window_of({"", "2026-11-20T08:00", "2026-11-20T17:30:00Z"});
  EXPECT_EQ(times.since, k_2026_11_20 + 8 * 3600);
  EXPECT_EQ(times.before, k_2026_11_20 + 17 * 3600 + 30 * 60 + 1);
  const auto from_only = window_of({"24h", "2026-11-20", ""});
  EXPECT_EQ(from_only.since, k_2026_11_20);
  EXPECT_FALSE(from_only.before) << "up to now";
  const auto to_only = window_of({"24h", "", "2026-11-20"});
  EXPECT_EQ(to_only.since, 0) << "from the first version";
  EXPECT_EQ(to_only.before, k_2026_11_20 + 86400);
}

TEST(ChangesWindow, ABadDateOrABackwardRangeSaysWhatToGive) {
  EXPECT_EQ(problem_of({"24h", "20/11/2026", ""}),
            "from must be a date like 2026-12-01 or a time like 2026-12-01T14:30 (UTC unless it ends in an offset "
            "such as +01:00), not '20/11/2026'.");
  EXPECT_THAT(problem_of({"24h", "", "2026-02-30"}), HasSubstr("to must be a date like 2026-12-01"));
  EXPECT_EQ(problem_of({"24h", "2026-11-22", "2026-11-20"}), "from (2026-11-22) must be before to (2026-11-20).");
}

}  // namespace
}  // namespace nbsync::web
