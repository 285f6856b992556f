#include "storage/outbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

namespace nbsync::storage {
namespace {

void add_row(Database& db, const std::string& channel, const std::string& kind, const std::string& payload) {
  SQLite::Statement insert(db.sqlite(),
                           "INSERT INTO outbox (created_at, channel, kind, payload) VALUES (1, ?1, ?2, ?3)");
  insert.bind(1, channel);
  insert.bind(2, kind);
  insert.bind(3, payload);
  insert.exec();
}

TEST(Outbox, PastTheCapOldSlackMessagesAreMergedNeverNetboxState) {
  test::TempDir dir;
  Database db(dir / "nbsync.db");
  for (int i = 0; i < 4; ++i) {
    add_row(db, "netbox", "device_fields", R"({"id": 1})");
  }
  for (int i = 0; i < 6; ++i) {
    add_row(db, "slack:ops", "message", R"({"text": "cycle )" + std::to_string(i) + R"("})");
  }
  Outbox outbox(dir / "nbsync.db");
  EXPECT_EQ(outbox.depth(), 10);
  EXPECT_EQ(outbox.enforce_cap(6, 100), 4);
  EXPECT_EQ(outbox.depth(), 6);
  const auto netbox = outbox.due("netbox", 100, 100);
  EXPECT_EQ(netbox.size(), 4u) << "NetBox state is never merged away";
  const auto slack = outbox.due("slack:ops", 100, 100);
  ASSERT_EQ(slack.size(), 2u);
  EXPECT_THAT(slack[0].payload, ::testing::HasSubstr("5 earlier messages"));
  EXPECT_THAT(slack[0].payload, ::testing::HasSubstr("cycle 0"));
  EXPECT_THAT(slack[1].payload, ::testing::HasSubstr("cycle 5"));
  EXPECT_EQ(outbox.enforce_cap(6, 100), 0) << "under the cap nothing changes";
}

TEST(Outbox, DeferredRowsWaitForBackoffUnlessAFreshStartAndNeverPastRetryAfter) {
  test::TempDir dir;
  Database db(dir / "nbsync.db");
  add_row(db, "netbox", "journal", "{}");
  add_row(db, "slack:ops", "message", "{}");
  Outbox outbox(dir / "nbsync.db");
  const auto netbox = outbox.due("netbox", 100, 10);
  const auto slack = outbox.due("slack:ops", 100, 10);
  outbox.defer({netbox[0].id}, 200, 0, "HTTP 503", true);
  outbox.defer({slack[0].id}, 200, 150, "HTTP 429", false);
  EXPECT_TRUE(outbox.due_channels(120).empty());
  EXPECT_EQ(outbox.due_channels(120, false), std::vector<std::string>{"netbox"}) << "Retry-After is honoured even then";
  const auto again = outbox.due("netbox", 120, 10, false);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].ambiguous);
  EXPECT_EQ(again[0].attempts, 1);
  outbox.remove({again[0].id});
  EXPECT_EQ(outbox.depth(), 1);
}

}  // namespace
}  // namespace nbsync::storage
