#include "daemon/file_limit.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace nbsync::daemon {
namespace {

TEST(FileLimit, WorkersAreFittedIntoTheDescriptorsAProcessMayOpen) {
  EXPECT_EQ(workers_within(32, 20000), 32) << "room for all";
  EXPECT_EQ(workers_within(1000, 512), 224) << "(512 - 64 reserved) / 2 per worker";
  EXPECT_EQ(workers_within(1000, 40), 1) << "always at least one";
  EXPECT_EQ(workers_within(1000, 512, true), 149) << "(512 - 64) / 3 per session through a jump host";
}

TEST(FileLimit, TheSoftLimitIsRaisedToTheHardLimit) {
  rlimit before{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &before), 0);
  rlimit lowered = before;
  lowered.rlim_cur = std::min<rlim_t>(before.rlim_max, 256);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
  const long raised = raise_file_limit();
  EXPECT_EQ(static_cast<rlim_t>(raised), before.rlim_max == RLIM_INFINITY ? rlim_t{1} << 20 : before.rlim_max);
  setrlimit(RLIMIT_NOFILE, &before);
}

}  // namespace
}  // namespace nbsync::daemon
