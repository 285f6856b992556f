// The "back up now" queue: a device waits at most once, from its first webhook until its
// backup is reported, whatever else arrives meanwhile.
#include <gtest/gtest.h>

#include "daemon/backup_now_queue.hpp"

namespace nbsync::daemon {
namespace {

BackupNowRequest asked(std::int64_t id, const std::string& who) {
  BackupNowRequest request;
  request.device_id = id;
  request.username = who;
  request.request_id = who + "-" + std::to_string(id);
  return request;
}

TEST(BackupNowQueue, ABurstForOneDeviceIsOneBackupAndLaterOnesWaitUntilItIsReported) {
  BackupNowQueue queue;
  EXPECT_FALSE(queue.waiting());
  EXPECT_TRUE(queue.offer(asked(12, "alice")));
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(queue.offer(asked(12, "bob")));  // merged into alice's
  }
  EXPECT_TRUE(queue.offer(asked(13, "bob")));
  ASSERT_TRUE(queue.waiting());
  const auto started = queue.start();
  ASSERT_EQ(started.size(), 2u);
  EXPECT_EQ(started[0].username, "alice");
  EXPECT_FALSE(queue.waiting());
  EXPECT_FALSE(queue.offer(asked(12, "carol")));  // in flight: the backup running serves it
  queue.finish(started);
  EXPECT_TRUE(queue.offer(asked(12, "carol")));  // reported: a new request is a new backup
  EXPECT_EQ(queue.start().at(0).username, "carol");
}

// A cycle that took requests but could not back them up gives them back: they wait again,
// first, and their devices still merge new requests.
TEST(BackupNowQueue, RequestsGivenBackWaitAgainFirst) {
  BackupNowQueue queue;
  EXPECT_TRUE(queue.offer(asked(12, "alice")));
  const auto taken = queue.start();
  EXPECT_TRUE(queue.offer(asked(13, "bob")));
  queue.give_back(taken);
  EXPECT_FALSE(queue.offer(asked(12, "carol")));
  const auto again = queue.start();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].username, "alice");
  EXPECT_EQ(again[1].username, "bob");
}

// A cycle that finds a trigger nobody's webhook brought claims the device: webhooks that
// come while its backup runs merge into it, and only a device nobody asked for is claimed.
TEST(BackupNowQueue, AClaimedDeviceMergesWebhooksUntilItIsFinished) {
  BackupNowQueue queue;
  EXPECT_TRUE(queue.offer(asked(12, "alice")));
  EXPECT_FALSE(queue.claim(12));  // alice's webhook has it
  EXPECT_TRUE(queue.claim(13));
  EXPECT_FALSE(queue.offer(asked(13, "bob")));
  EXPECT_EQ(queue.start().size(), 1u);  // only alice's waits: the claim is in flight already
  queue.finish({asked(13, "found")});
  EXPECT_TRUE(queue.offer(asked(13, "bob")));
}

}  // namespace
}  // namespace nbsync::daemon
