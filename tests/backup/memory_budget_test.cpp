// ssh.memory_budget: sessions past the budget wait (the oldest holder never does, so they
// cannot stall each other), waiting is counted, a stop request ends a wait, and every byte
// goes back when a lease ends.
#include "backup/memory_budget.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace nbsync::backup {
namespace {

using namespace std::chrono_literals;

TEST(MemoryBudget, ASessionPastTheBudgetWaitsUntilTheOldestHolderGivesBack) {
  MemoryBudget budget(100);
  std::stop_source never;
  std::chrono::milliseconds waited{0};
  auto oldest = std::make_unique<MemoryLease>(&budget);
  ASSERT_TRUE(oldest->take(60, never.get_token(), waited));
  ASSERT_TRUE(oldest->take(60, never.get_token(), waited)) << "the oldest holder overdraws rather than wait";
  EXPECT_EQ(waited, 0ms);
  MemoryLease younger(&budget);
  auto taken = std::async(std::launch::async, [&] {
    std::chrono::milliseconds younger_waited{0};
    const bool ok = younger.take(60, never.get_token(), younger_waited);
    return std::make_pair(ok, younger_waited);
  });
  EXPECT_EQ(taken.wait_for(300ms), std::future_status::timeout) << "120 of 100 bytes are held";
  oldest.reset();  // its device's result was handed on
  const auto [ok, younger_waited] = taken.get();
  EXPECT_TRUE(ok);
  EXPECT_GE(younger_waited, 250ms);
  const auto state = budget.state();
  EXPECT_EQ(state.budget, 100u);
  EXPECT_EQ(state.held, 60u);
  EXPECT_EQ(state.peak, 120u);
  EXPECT_EQ(state.waits, 1u);
  EXPECT_GE(state.waited, 250ms);
}

TEST(MemoryBudget, AStopRequestEndsAWaitAndEveryByteGoesBack) {
  MemoryBudget budget(10);
  std::stop_source stop;
  std::chrono::milliseconds waited{0};
  {
    MemoryLease holder(&budget);
    ASSERT_TRUE(holder.take(10, stop.get_token(), waited));
    MemoryLease waiting(&budget);
    std::jthread stopper([&] {
      std::this_thread::sleep_for(100ms);
      stop.request_stop();
    });
    EXPECT_FALSE(waiting.take(5, stop.get_token(), waited));
    holder.give_back(4);
    EXPECT_EQ(budget.state().held, 6u);
  }
  EXPECT_EQ(budget.state().held, 0u);
  MemoryLease unlimited(nullptr);
  EXPECT_TRUE(unlimited.take(1u << 30, stop.get_token(), waited)) << "no budget: nothing waits";
}

}  // namespace
}  // namespace nbsync::backup
