#include "storage/outbox.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/detail/sql_connection.hpp"
#include "tests/storage/backend_fixture.hpp"

namespace nbsync::storage {
namespace {

// Every test runs on SQLite and on PostgreSQL (backend_fixture.hpp); rows are written
// through database(), the outbox reads them on a connection of its own, as the sender's.
class OutboxTest : public test_support::BackendTest {
protected:
  std::unique_ptr<Outbox> open_outbox() const {
    if (on_postgres()) {
      return std::make_unique<Outbox>(PostgresLocation{postgres_uri(), {}});
    }
    return std::make_unique<Outbox>(m_dir / "nbsync.db");
  }

  void add_row(const std::string& channel, const std::string& kind, const std::string& payload) {
    sql().execute("INSERT INTO outbox (created_at, channel, kind, payload) VALUES (1, ?1, ?2, ?3)",
                  detail::SqlParams().add(channel).add(kind).add(payload));
  }
};

TEST_P(OutboxTest, PastTheCapOldSlackMessagesAreMergedNeverNetboxState) {
  for (int i = 0; i < 4; ++i) {
    add_row("netbox", "device_fields", R"({"id": 1})");
  }
  for (int i = 0; i < 6; ++i) {
    add_row("slack:ops", "message", R"({"text": "cycle )" + std::to_string(i) + R"("})");
  }
  const auto outbox = open_outbox();
  EXPECT_EQ(outbox->depth(), 10);
  EXPECT_EQ(outbox->enforce_cap(6, 100), 4);
  EXPECT_EQ(outbox->depth(), 6);
  const auto netbox = outbox->due("netbox", 100, 100);
  EXPECT_EQ(netbox.size(), 4u) << "NetBox state is never merged away";
  const auto slack = outbox->due("slack:ops", 100, 100);
  ASSERT_EQ(slack.size(), 2u);
  EXPECT_THAT(slack[0].payload, ::testing::HasSubstr("5 earlier messages"));
  EXPECT_THAT(slack[0].payload, ::testing::HasSubstr("cycle 0"));
  EXPECT_THAT(slack[1].payload, ::testing::HasSubstr("cycle 5"));
  EXPECT_EQ(outbox->enforce_cap(6, 100), 0) << "under the cap nothing changes";
}

TEST_P(OutboxTest, DeferredRowsWaitForBackoffUnlessAFreshStartAndNeverPastRetryAfter) {
  add_row("netbox", "journal", "{}");
  add_row("slack:ops", "message", "{}");
  const auto outbox = open_outbox();
  const auto netbox = outbox->due("netbox", 100, 10);
  const auto slack = outbox->due("slack:ops", 100, 10);
  ASSERT_EQ(netbox.size(), 1u);
  ASSERT_EQ(slack.size(), 1u);
  outbox->defer({netbox[0].id}, 200, 0, "HTTP 503", true);
  outbox->defer({slack[0].id}, 200, 150, "HTTP 429", false);
  EXPECT_TRUE(outbox->due_channels(120).empty());
  EXPECT_EQ(outbox->due_channels(120, false), std::vector<std::string>{"netbox"})
      << "Retry-After is honoured even then";
  const auto again = outbox->due("netbox", 120, 10, false);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(again[0].ambiguous);
  EXPECT_EQ(again[0].attempts, 1);
  EXPECT_EQ(again[0].payload, "{}");
  outbox->remove({again[0].id});
  EXPECT_EQ(outbox->depth(), 1);
  const auto times = outbox->due_times();
  ASSERT_EQ(times.count("slack:ops"), 1u);
  EXPECT_EQ(times.at("slack:ops").fresh, 150);
  EXPECT_EQ(times.at("slack:ops").with_backoff, 200);
}

TEST_P(OutboxTest, ASendInFlightWhenNbsyncDiedReadsBackAmbiguousAfterItSettled) {
  add_row("netbox", "journal", R"({"comments": "x"})");
  {
    const auto outbox = open_outbox();
    const auto rows = outbox->due("netbox", 100, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_FALSE(rows[0].ambiguous);
    outbox->mark_sending({rows[0].id}, 100, 130);
  }  // died before the answer
  const auto outbox = open_outbox();
  EXPECT_TRUE(outbox->due("netbox", 120, 10, false).empty()) << "not before the send has settled";
  const auto rows = outbox->due("netbox", 130, 10, false);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].ambiguous);
  EXPECT_EQ(rows[0].attempts, 0);
}

TEST_P(OutboxTest, RefusedRowsAreKeptOutOfTheDepthUntilRequeued) {
  add_row("slack:ops", "message", R"({"text": "a"})");
  add_row("slack:noc", "message", R"({"text": "b"})");
  const auto outbox = open_outbox();
  const auto ops = outbox->due("slack:ops", 100, 10);
  const auto noc = outbox->due("slack:noc", 100, 10);
  ASSERT_EQ(ops.size(), 1u);
  ASSERT_EQ(noc.size(), 1u);
  outbox->refuse({ops[0].id, noc[0].id}, 100, "HTTP 404 no_service");
  EXPECT_EQ(outbox->depth(), 0);
  EXPECT_FALSE(outbox->oldest_created_at().has_value());
  EXPECT_TRUE(outbox->due_channels(1000).empty()) << "refused rows are never due on their own";
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE last_error = 'HTTP 404 no_service'"), 2);
  EXPECT_EQ(outbox->requeue_refused("slack:ops"), 1);
  EXPECT_EQ(outbox->depth(), 1);
  EXPECT_EQ(outbox->oldest_created_at(), 1);
  EXPECT_EQ(outbox->requeue_refused(), 1);
  EXPECT_EQ(outbox->due_channels(100), (std::vector<std::string>{"slack:ops", "slack:noc"}));
}

TEST_P(OutboxTest, AddedRowsAreDueAtOnceInOrder) {
  const auto outbox = open_outbox();
  outbox->add(
      {{"netbox", "journal", 7, R"({"n": 1})", "ref-1"}, {"netbox", "journal", std::nullopt, R"({"n": 2})", ""}}, 50);
  const auto rows = outbox->due("netbox", 50, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].created_at, 50);
  EXPECT_EQ(rows[0].device_id, 7);
  EXPECT_EQ(rows[0].dedupe_key, "ref-1");
  EXPECT_FALSE(rows[1].device_id.has_value());
  EXPECT_LT(rows[0].id, rows[1].id);
  EXPECT_EQ(outbox->due("netbox", 50, 1).size(), 1u) << "at most `limit` rows";
}

NBSYNC_ON_BOTH_BACKENDS(OutboxTest);

}  // namespace
}  // namespace nbsync::storage
