// Sessions and failed sign-ins on a clock the test moves: idle and absolute expiry,
// sign-out, the permission cache's lifetime, and the sign-in rate limit's window.
#include <gtest/gtest.h>

#include <set>

#include "web/session_store.hpp"
#include "web/sign_in_limiter.hpp"

namespace nbsync::web {
namespace {

using namespace std::chrono_literals;

const Clock::time_point k_start{};

TEST(SessionStore, ASessionEndsWhenIdleOrAtItsMaximumAgeAndIdsAreRandom) {
  SessionStore sessions(30s, 100s, 10s);
  const std::string id = sessions.create(Secret("token-a", "test"), k_start);
  EXPECT_EQ(id.size(), 64u);
  EXPECT_NE(id, sessions.create(Secret("token-a", "test"), k_start));
  ASSERT_TRUE(sessions.use(id, k_start + 29s));
  EXPECT_EQ(sessions.use(id, k_start + 58s)->reveal(), "token-a") << "used 29 s ago: still alive";
  EXPECT_TRUE(sessions.use(id, k_start + 87s));
  EXPECT_FALSE(sessions.use(id, k_start + 100s)) << "in use, but 100 s after sign-in";
  EXPECT_FALSE(sessions.use(id, k_start + 101s)) << "and forgotten";

  const std::string idle = sessions.create(Secret("token-b", "test"), k_start);
  EXPECT_FALSE(sessions.use(idle, k_start + 30s));
  const std::string leaving = sessions.create(Secret("token-c", "test"), k_start);
  sessions.remove(leaving);
  EXPECT_FALSE(sessions.use(leaving, k_start));
  EXPECT_FALSE(sessions.use("", k_start));
}

TEST(SessionStore, PermissionAnswersLastTheirTimeAndOnlyForTheirSession) {
  SessionStore sessions(300s, 3600s, 10s);
  const std::string a = sessions.create(Secret("a", "test"), k_start);
  const std::string b = sessions.create(Secret("b", "test"), k_start);
  EXPECT_FALSE(sessions.cached_permission(a, 7, k_start));
  sessions.remember_permission(a, 7, false, k_start);
  EXPECT_EQ(sessions.cached_permission(a, 7, k_start + 9s), false);
  EXPECT_FALSE(sessions.cached_permission(a, 7, k_start + 10s)) << "expired: ask NetBox again";
  EXPECT_FALSE(sessions.cached_permission(b, 7, k_start)) << "another token's answer is not this one's";
  sessions.remember_permission(b, 7, true, k_start);
  EXPECT_EQ(sessions.cached_permission(b, 7, k_start + 1s), true);

  SessionStore uncached(300s, 3600s, 0s);
  const std::string c = uncached.create(Secret("c", "test"), k_start);
  uncached.remember_permission(c, 7, true, k_start);
  EXPECT_FALSE(uncached.cached_permission(c, 7, k_start)) << "permission_cache = 0: always ask";
}

TEST(SessionStore, TheSetOfVisibleDevicesLastsThePermissionCacheAndOnlyForItsSession) {
  SessionStore sessions(300s, 3600s, 10s);
  const std::string a = sessions.create(Secret("a", "test"), k_start);
  const std::string b = sessions.create(Secret("b", "test"), k_start);
  EXPECT_EQ(sessions.cached_visible_devices(a, k_start), nullptr);
  sessions.remember_visible_devices(a, std::make_shared<const DeviceIds>(DeviceIds{1, 2}), k_start);
  const auto ids = sessions.cached_visible_devices(a, k_start + 9s);
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(*ids, (DeviceIds{1, 2}));
  EXPECT_EQ(sessions.cached_visible_devices(b, k_start), nullptr) << "another token's set is not this one's";
  EXPECT_EQ(sessions.cached_visible_devices(a, k_start + 10s), nullptr) << "expired: ask NetBox again";
  sessions.remove(a);
  sessions.remember_visible_devices(a, std::make_shared<const DeviceIds>(), k_start);
  EXPECT_EQ(sessions.cached_visible_devices(a, k_start), nullptr) << "an ended session keeps nothing";
}

TEST(SignInLimiter, FiveFailuresInTheWindowMakeThatAddressWaitUntilTheOldestAges) {
  SignInLimiter limiter(5, 60s);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.wait("10.0.0.1", k_start + std::chrono::seconds(i)), 0s) << i;
    limiter.failed("10.0.0.1", k_start + std::chrono::seconds(i));
  }
  EXPECT_EQ(limiter.wait("10.0.0.1", k_start + 10s), 50s);
  EXPECT_EQ(limiter.wait("10.0.0.2", k_start + 10s), 0s) << "another address is not held up";
  EXPECT_EQ(limiter.wait("10.0.0.1", k_start + 60s), 0s) << "the first failure aged out";
}

}  // namespace
}  // namespace nbsync::web
