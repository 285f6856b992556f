#include "backup/scope_limiter.hpp"

#include <gtest/gtest.h>

#include "backup/detail/pending_jobs.hpp"
#include "tests/support/device_selectors.hpp"

namespace nbsync::backup {
namespace {

using test::at_site;
using test::with_tag;

using Clock = ScopeLimiter::Clock;
using std::chrono::milliseconds;

inventory::Device device(std::int64_t id, std::string site, std::vector<std::string> tags = {}) {
  inventory::Device d;
  d.id = id;
  d.site = std::move(site);
  d.tags = std::move(tags);
  d.address = "127.0.0." + std::to_string(id);
  return d;
}

TEST(ScopeLimiter, ASessionCapHoldsUntilASessionCloses) {
  ScopeLimiter limiter({{at_site("ams1"), 2, 0}});
  const auto now = Clock::now();
  const LimitSet ams = limiter.limits_for(device(1, "ams1"));
  EXPECT_EQ(ams, LimitSet{0});
  EXPECT_TRUE(limiter.limits_for(device(2, "fra1")).empty());
  limiter.open_session(ams, now);
  EXPECT_LE(limiter.session_free_at(ams, now), now);
  limiter.open_session(ams, now);
  EXPECT_EQ(limiter.session_free_at(ams, now), Clock::time_point::max());
  EXPECT_LE(limiter.login_free_at(ams, now), now) << "a retry inside an open session is not held by the cap";
  limiter.close_session(ams);
  EXPECT_LE(limiter.session_free_at(ams, now), now);
  const auto states = limiter.states();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].scope, "site=ams1");
  EXPECT_EQ(states[0].sessions, 1);
  EXPECT_EQ(states[0].peak_sessions, 2);
  EXPECT_EQ(states[0].logins, 2u);
}

TEST(ScopeLimiter, ALoginRateSpacesLoginsAndTheStrictestLimitDecides) {
  // Four logins a second at the site, and two a second for the devices behind an old
  // TACACS server there: a device under both waits for the slower.
  ScopeLimiter limiter({{at_site("ams1"), 0, 4}, {with_tag("old-tacacs"), 0, 2}});
  const auto now = Clock::now();
  const LimitSet both = limiter.limits_for(device(1, "ams1", {"old-tacacs"}));
  const LimitSet site_only = limiter.limits_for(device(2, "ams1"));
  EXPECT_EQ(both, (LimitSet{0, 1}));
  limiter.open_session(both, now);
  EXPECT_EQ(limiter.session_free_at(site_only, now), now + milliseconds(250));
  EXPECT_EQ(limiter.session_free_at(both, now), now + milliseconds(500));
  EXPECT_EQ(limiter.reserve_login(site_only, now + milliseconds(250)), now + milliseconds(250));
  EXPECT_EQ(limiter.login_free_at(site_only, now + milliseconds(250)), now + milliseconds(500));
  // Logins that must wait are given their slots in turn, each its own.
  EXPECT_EQ(limiter.reserve_login(site_only, now + milliseconds(260)), now + milliseconds(500));
  EXPECT_EQ(limiter.reserve_login(site_only, now + milliseconds(270)), now + milliseconds(750));
  // The one given 500 ms woke late, at 700: the next goes a whole spacing after it, at 950.
  limiter.logged_in(site_only, now + milliseconds(700));
  EXPECT_EQ(limiter.spaced_after_last(site_only), now + milliseconds(950));
}

TEST(ScopeLimiter, ASitesPaceSpacesItsLoginsAndAConfiguredRateIsSeenAsReplacingIt) {
  // [[ssh.limit]] tag fast-aaa at 10 logins a second; the site's own pace is 2 a second.
  ScopeLimiter limiter({{with_tag("fast-aaa"), 0, 10}});
  const auto pace = limiter.add_site_pace("ams1", 2);
  ASSERT_TRUE(pace);
  const LimitSet paced{*pace};
  EXPECT_FALSE(limiter.sets_login_rate(limiter.limits_for(device(1, "ams1"))));
  EXPECT_TRUE(limiter.sets_login_rate(limiter.limits_for(device(2, "ams1", {"fast-aaa"}))))
      << "the pool leaves the site's pace out for this device";
  const auto now = Clock::now();
  limiter.open_session(paced, now);
  EXPECT_EQ(limiter.session_free_at(paced, now), now + milliseconds(500));
  limiter.open_session(paced, now + milliseconds(500));
  EXPECT_EQ(limiter.session_free_at(paced, now + milliseconds(600)), now + milliseconds(1000));
  const auto states = limiter.states();
  ASSERT_EQ(states.size(), 2u);
  EXPECT_EQ(states[1].scope, "site ams1 logins");
  EXPECT_TRUE(states[1].site_pace);
  EXPECT_EQ(states[1].logins_per_second_cap, 2);
  EXPECT_EQ(states[1].logins, 2u);
}

TEST(PendingJobs, AHeldBackScopeDoesNotHoldBackTheOthers) {
  ScopeLimiter limiter({{at_site("ams1"), 1, 0}});
  detail::PendingJobs pending;
  for (std::int64_t id = 1; id <= 3; ++id) {
    pending.push({device(id, "ams1"), nullptr}, limiter.limits_for(device(id, "ams1")));
  }
  pending.push({device(4, "fra1"), nullptr}, {});
  EXPECT_EQ(pending.limited_size(), 3u);
  EXPECT_EQ(pending.unlimited_size(), 1u);
  const auto now = Clock::now();
  const auto none_busy = [](const inventory::Device&) { return false; };
  auto wake_at = Clock::time_point::max();
  auto first = pending.take(now, limiter, none_busy, wake_at);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->job.device.id, 1) << "the oldest job first";
  limiter.open_session(first->limits, now);
  auto second = pending.take(now, limiter, none_busy, wake_at);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->job.device.id, 4) << "ams1 is full; fra1 passes";
  EXPECT_FALSE(pending.take(now, limiter, none_busy, wake_at));
  EXPECT_EQ(wake_at, Clock::time_point::max()) << "a full session cap waits for a session to end, not a time";
  limiter.close_session(first->limits);
  auto third = pending.take(now, limiter, none_busy, wake_at);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->job.device.id, 2);
}

TEST(PendingJobs, ABusyDeviceIsPassedAndDrainKeepsTheArrivalOrder) {
  const ScopeLimiter limiter;
  detail::PendingJobs pending;
  pending.push({device(1, "ams1"), nullptr}, {});
  pending.push({device(2, "ams1"), nullptr}, {});
  pending.push({device(3, "ams1"), nullptr}, {});
  auto wake_at = Clock::time_point::max();
  const auto first_busy = [](const inventory::Device& d) { return d.id == 1; };
  auto taken = pending.take(Clock::now(), limiter, first_busy, wake_at);
  ASSERT_TRUE(taken);
  EXPECT_EQ(taken->job.device.id, 2);
  const auto left = pending.drain();
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].device.id, 1);
  EXPECT_EQ(left[1].device.id, 3);
  EXPECT_TRUE(pending.empty());
}

// "Back up now": an urgent job goes ahead of every ordinary one, in every scope, and a
// device waiting already is moved ahead rather than backed up twice.
TEST(PendingJobs, AnUrgentJobGoesFirstAndIsNeverDoubled) {
  ScopeLimiter limiter({{at_site("ams1"), 5, 0}});
  detail::PendingJobs pending;
  for (std::int64_t id = 1; id <= 4; ++id) {
    pending.push({device(id, "fra1"), nullptr}, {});
  }
  pending.push({device(5, "ams1"), nullptr}, limiter.limits_for(device(5, "ams1")));
  EXPECT_FALSE(pending.push_urgent({device(9, "ams1"), nullptr}, limiter.limits_for(device(9, "ams1"))));
  EXPECT_TRUE(pending.push_urgent({device(3, "fra1"), nullptr}, {})) << "device 3 waited already";
  EXPECT_FALSE(pending.push_urgent({device(9, "ams1"), nullptr}, limiter.limits_for(device(9, "ams1"))));
  pending.push({device(9, "ams1"), nullptr}, limiter.limits_for(device(9, "ams1")));  // the walk reaches it
  EXPECT_EQ(pending.limited_size() + pending.unlimited_size(), 6u) << "1, 2, 4, 5 and the urgent 9 and 3";

  const auto none_busy = [](const inventory::Device&) { return false; };
  std::vector<std::int64_t> order;
  auto wake_at = Clock::time_point::max();
  while (auto taken = pending.take(Clock::now(), limiter, none_busy, wake_at)) {
    order.push_back(taken->job.device.id);
  }
  EXPECT_EQ(order, (std::vector<std::int64_t>{9, 3, 1, 2, 4, 5}));
}

}  // namespace
}  // namespace nbsync::backup
