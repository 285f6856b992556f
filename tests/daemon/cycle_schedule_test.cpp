#include "daemon/cycle_schedule.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>
#include <vector>

namespace nbsync::daemon {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const CycleClock::time_point t0 = CycleClock::time_point(1000h);

JitterSource fixed_jitter(milliseconds value) {
  return [value](milliseconds) { return value; };
}

TEST(CycleSchedule, NextStartIsOneIntervalAfterTheLastStart) {
  CycleSchedule schedule(15min, 0ms, fixed_jitter(0ms));
  const auto next = schedule.next(t0, t0 + 4min);
  EXPECT_EQ(next.start, t0 + 15min) << "start to start, not end to start";
  EXPECT_EQ(next.jitter, 0ms);
  EXPECT_FALSE(next.overran());
}

TEST(CycleSchedule, JitterDelaysTheStart) {
  CycleSchedule schedule(15min, 90s, fixed_jitter(30s));
  const auto next = schedule.next(t0, t0 + 4min);
  EXPECT_EQ(next.start, t0 + 15min + 30s);
  EXPECT_EQ(next.jitter, 30s);
}

TEST(CycleSchedule, SeededJitterStaysWithinBoundsAndUsesTheRange) {
  CycleSchedule schedule(10min, jitter_fraction(10min, 0.1), uniform_jitter(42));
  ASSERT_EQ(schedule.max_jitter(), 60s);
  milliseconds lowest = 1h;
  milliseconds highest = 0ms;
  for (int i = 0; i < 2000; ++i) {
    const auto next = schedule.next(t0, t0 + 1min);
    ASSERT_GE(next.jitter, 0ms);
    ASSERT_LE(next.jitter, 60s);
    ASSERT_EQ(next.start, t0 + 10min + next.jitter);
    lowest = std::min(lowest, next.jitter);
    highest = std::max(highest, next.jitter);
  }
  EXPECT_LT(lowest, 3s) << "2000 uniform draws reach near the bottom";
  EXPECT_GT(highest, 57s) << "and near the top";
}

TEST(CycleSchedule, TheSameSeedGivesTheSameStarts) {
  CycleSchedule first(10min, 60s, uniform_jitter(7));
  CycleSchedule second(10min, 60s, uniform_jitter(7));
  CycleSchedule other(10min, 60s, uniform_jitter(8));
  std::vector<milliseconds> a, b, c;
  for (int i = 0; i < 20; ++i) {
    a.push_back(first.next(t0, t0 + 1min).jitter);
    b.push_back(second.next(t0, t0 + 1min).jitter);
    c.push_back(other.next(t0, t0 + 1min).jitter);
  }
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(CycleSchedule, AnOverrunStartsTheNextCycleAtOnceAndSaysByHowMuch) {
  CycleSchedule schedule(15min, 90s, fixed_jitter(30s));
  const auto next = schedule.next(t0, t0 + 17min);
  EXPECT_TRUE(next.overran());
  EXPECT_EQ(next.overran_by, 2min);
  EXPECT_EQ(next.start, t0 + 17min) << "at once: when the last one ended";
  EXPECT_EQ(next.jitter, 0ms) << "no jitter on a late start";
}

TEST(CycleSchedule, ACycleOfExactlyTheIntervalIsNotAnOverrun) {
  CycleSchedule schedule(15min, 0ms, fixed_jitter(0ms));
  const auto next = schedule.next(t0, t0 + 15min);
  EXPECT_FALSE(next.overran());
  EXPECT_EQ(next.start, t0 + 15min);
}

TEST(CycleSchedule, AJitterSourceOutOfRangeIsClamped) {
  CycleSchedule schedule(15min, 60s, fixed_jitter(10min));
  EXPECT_EQ(schedule.next(t0, t0 + 1min).jitter, 60s);
  CycleSchedule negative(15min, 60s, fixed_jitter(-5s));
  EXPECT_EQ(negative.next(t0, t0 + 1min).start, t0 + 15min);
}

TEST(CycleSchedule, RejectsImpossibleSettings) {
  EXPECT_THROW(CycleSchedule(0ms, 0ms), std::invalid_argument);
  EXPECT_THROW(CycleSchedule(-1s, 0ms), std::invalid_argument);
  EXPECT_THROW(CycleSchedule(10min, -1s), std::invalid_argument);
  EXPECT_THROW(CycleSchedule(10min, 11min), std::invalid_argument);
  EXPECT_THROW(CycleSchedule(10min, 0ms, JitterSource()), std::invalid_argument);
  EXPECT_THROW(jitter_fraction(10min, 1.5), std::invalid_argument);
  EXPECT_THROW(jitter_fraction(10min, -0.1), std::invalid_argument);
  EXPECT_EQ(jitter_fraction(10min, 0.0), 0ms);
  EXPECT_EQ(jitter_fraction(10min, 0.25), 150s);
}

}  // namespace
}  // namespace nbsync::daemon
