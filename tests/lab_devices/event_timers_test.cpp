// The worker's timers (issue 17): deadlines that share loop turns and the output pace that
// stays at the device's rate when its writes are served late. Pure arithmetic on time points.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "lab/devices/detail/deadlines.hpp"
#include "lab/devices/detail/output_pace.hpp"

namespace nbsync::lab::detail {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const Clock::time_point k_start = Clock::time_point(std::chrono::hours(1));

std::vector<std::uint64_t> passed(Deadlines& d, Clock::time_point now) {
  std::vector<std::uint64_t> woken;
  d.pass(now, [&](std::uint64_t s) { woken.push_back(s); });
  return woken;
}

TEST(Deadlines, NeverServedEarlyAndTheLoopSleepsAtMostTheSlackPastTheFirst) {
  Deadlines d;
  EXPECT_EQ(d.timeout_ms(k_start, 500), 500);
  d.add(k_start + milliseconds(100), 1);
  d.add(k_start + milliseconds(120), 2);
  d.add(k_start + milliseconds(400), 3);
  const auto slack_ms = std::chrono::duration_cast<milliseconds>(Deadlines::k_slack).count();
  EXPECT_EQ(d.timeout_ms(k_start, 500), 100 + slack_ms);
  EXPECT_TRUE(passed(d, k_start + milliseconds(99)).empty()) << "not before its time";
  // A turn that happens anyway (a client's packet) serves what is due by then.
  EXPECT_EQ(passed(d, k_start + milliseconds(110)), std::vector<std::uint64_t>{1});
  EXPECT_EQ(d.timeout_ms(k_start + milliseconds(110), 500), 10 + slack_ms);
  // The turn the loop wakes for serves every deadline due by then, together.
  d.add(k_start + milliseconds(130), 4);
  EXPECT_EQ(passed(d, k_start + milliseconds(120) + Deadlines::k_slack), (std::vector<std::uint64_t>{2, 4}));
  EXPECT_EQ(d.size(), 1U);
}

TEST(Deadlines, DeadlinesOfEndedSessionsWakeNobody) {
  Deadlines d;
  d.add(k_start + milliseconds(10), 7);
  d.add(k_start + milliseconds(20), 0);  // the loop's own (a connection held before its banner)
  d.add(k_start + milliseconds(30), 8);
  d.forget_gone([](std::uint64_t s) { return s != 7; });
  EXPECT_EQ(d.size(), 2U);
  EXPECT_EQ(d.timeout_ms(k_start, 500), 20 + std::chrono::duration_cast<milliseconds>(Deadlines::k_slack).count());
  d.forget_gone([](std::uint64_t) { return false; });
  EXPECT_EQ(d.size(), 2U) << "the loop's own deadline stays";
}

// Writes `total` bytes, each write served `late` after the pace's next write time.
Clock::time_point paced_end(double rate, double burst, std::size_t total, Clock::duration late) {
  OutputPace pace(rate, burst, k_start, Deadlines::k_slack);
  auto now = k_start;
  std::size_t left = total;
  while (left > 0) {
    const std::size_t n = pace.allowance(now, left);
    left -= n;
    const auto next = pace.spent(n, left > 0, now);
    if (left > 0) {
      EXPECT_NE(next, Clock::time_point{});
      now = next + late;
    }
  }
  return now;
}

TEST(OutputPace, WritesServedLateKeepTheDevicesRate) {
  constexpr double rate = 200000;  // bytes per second
  constexpr double burst = 20000;
  constexpr std::size_t total = 600000;
  const auto on_time = paced_end(rate, burst, total, {});
  const auto late = paced_end(rate, burst, total, Deadlines::k_slack);
  // The first burst goes at once, the rest at the rate: (600,000 - 20,000) / 200,000 s.
  EXPECT_EQ(std::chrono::duration_cast<milliseconds>(on_time - k_start).count(), 2900);
  // Served late, each write sends what refilled meanwhile: only the last one is late (by
  // the slack, and by the rest of a burst it waits for). A bucket of `burst` alone would
  // lose a slack's refill on every write: 29 writes of 20,000 bytes, each 150 ms apart.
  const auto late_ms = std::chrono::duration_cast<milliseconds>(late - k_start).count();
  const auto slack_ms = std::chrono::duration_cast<milliseconds>(Deadlines::k_slack).count();
  EXPECT_LE(late_ms, 2900 + 100 + slack_ms);
  EXPECT_GE(late_ms, 2900);
}

TEST(OutputPace, NothingBeforeTheNextWrite) {
  OutputPace pace(1000, 100, k_start, Deadlines::k_slack);
  EXPECT_EQ(pace.allowance(k_start, 1000), 100U);
  const auto next = pace.spent(100, true, k_start);
  EXPECT_EQ(next, k_start + milliseconds(100));
  EXPECT_EQ(pace.allowance(next - milliseconds(1), 1000), 0U);
  EXPECT_EQ(pace.allowance(next, 1000), 100U);
}

}  // namespace
}  // namespace nbsync::lab::detail
