#include "notify/delivery_verdict.hpp"

#include <gtest/gtest.h>

namespace nbsync::notify {
namespace {

TEST(DeliveryVerdict, FollowsTheOutboxPolicy) {
  EXPECT_EQ(verdict_for_status(200), DeliveryVerdict::delivered);
  EXPECT_EQ(verdict_for_status(201), DeliveryVerdict::delivered);
  EXPECT_EQ(verdict_for_status(0), DeliveryVerdict::retry_later);
  EXPECT_EQ(verdict_for_status(408), DeliveryVerdict::retry_later);
  EXPECT_EQ(verdict_for_status(429), DeliveryVerdict::retry_later);
  EXPECT_EQ(verdict_for_status(500), DeliveryVerdict::retry_later);
  EXPECT_EQ(verdict_for_status(503), DeliveryVerdict::retry_later);
  EXPECT_EQ(verdict_for_status(400), DeliveryVerdict::drop);
  EXPECT_EQ(verdict_for_status(403), DeliveryVerdict::drop);
  EXPECT_EQ(verdict_for_status(404), DeliveryVerdict::drop);
}

}  // namespace
}  // namespace nbsync::notify
