#include "types/iso_time.hpp"

#include <gtest/gtest.h>

namespace nbsync {
namespace {

constexpr std::int64_t k_2026_12_01 = 1796083200;  // 2026-12-01T00:00:00Z

TEST(IsoTime, ADateAloneIsMidnightUtc) {
  const auto time = parse_iso_time("2026-12-01");
  ASSERT_TRUE(time);
  EXPECT_EQ(time->unix_seconds, k_2026_12_01);
  EXPECT_TRUE(time->date_only);
}

TEST(IsoTime, ATimeOfDayWithOrWithoutSecondsAndOffset) {
  EXPECT_EQ(parse_iso_time("2026-12-01T14:30")->unix_seconds, k_2026_12_01 + 14 * 3600 + 30 * 60);
  EXPECT_FALSE(parse_iso_time("2026-12-01T14:30")->date_only);
  EXPECT_EQ(parse_iso_time("2026-12-01T14:30:15Z")->unix_seconds, k_2026_12_01 + 14 * 3600 + 30 * 60 + 15);
  EXPECT_EQ(parse_iso_time("2026-12-01 14:30+02:00")->unix_seconds, k_2026_12_01 + 12 * 3600 + 30 * 60);
  EXPECT_EQ(parse_iso_time("2026-12-01T01:00-0130")->unix_seconds, k_2026_12_01 + 2 * 3600 + 30 * 60);
}

TEST(IsoTime, AnythingElseIsNoTime) {
  for (const char* text : {"", "yesterday", "2026-13-01", "2026-02-30", "2026-12-1", "2026-12-01T", "2026-12-01T25:00",
                           "2026-12-01T14:30x", "2026-12-01T14:30+2", "12/01/2026", "2026-12-01 "}) {
    EXPECT_FALSE(parse_iso_time(text)) << text;
  }
}

}  // namespace
}  // namespace nbsync
