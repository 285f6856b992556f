// A site's window of sessions at once: it widens with every login that goes well, halves
// when sessions struggle together, answers one overload once, and never closes.
#include "backup/congestion_window.hpp"

#include <gtest/gtest.h>

namespace nbsync::backup {
namespace {

using namespace std::chrono_literals;
using Clock = CongestionWindow::Clock;

TEST(CongestionWindow, WidensByOneUntilTheFirstBackOffThenByOnePerWindow) {
  const auto t = Clock::now();
  CongestionWindow window(4, 100);
  EXPECT_EQ(window.allowed(), 4);
  for (int i = 0; i < 4; ++i) {
    window.record(t, false, t);
  }
  EXPECT_EQ(window.allowed(), 8) << "slow start: one per login";
  window.record(t + 1s, true, t + 2s);
  EXPECT_EQ(window.allowed(), 8) << "one struggling session is not an overload";
  window.record(t + 1s, true, t + 2s);
  EXPECT_EQ(window.allowed(), 4);
  EXPECT_EQ(window.backoffs(), 1);
  for (int i = 0; i < 4; ++i) {
    window.record(t + 3s, false, t + 4s);
  }
  EXPECT_EQ(window.allowed(), 4) << "now about one per window's worth of logins";
  for (int i = 0; i < 4; ++i) {
    window.record(t + 3s, false, t + 4s);
  }
  EXPECT_EQ(window.allowed(), 5);
  CongestionWindow capped(4, 5);
  for (int i = 0; i < 10; ++i) {
    capped.record(t, false, t);
  }
  EXPECT_EQ(capped.allowed(), 5) << "never more than the pool's workers";
}

TEST(CongestionWindow, OneOverloadIsOneBackOffAndTheWindowNeverCloses) {
  const auto t = Clock::now();
  CongestionWindow window(16, 100);
  window.record(t, true, t + 1s);
  window.record(t, true, t + 1s);
  EXPECT_EQ(window.allowed(), 8);
  for (int i = 0; i < 10; ++i) {
    window.record(t, true, t + 2s);  // started before the back-off: the same overload
  }
  EXPECT_EQ(window.allowed(), 8);
  EXPECT_EQ(window.backoffs(), 1);
  for (int i = 0; i < 10; ++i) {  // overload after overload, each started after the last back-off
    const auto started = t + std::chrono::seconds(10 * i + 3);
    window.record(started, true, started + 1s);
    window.record(started, true, started + 1s);
  }
  EXPECT_EQ(window.allowed(), 1);
  EXPECT_EQ(window.lowest(), 1);
  EXPECT_GE(window.backoffs(), 4);
}

}  // namespace
}  // namespace nbsync::backup
