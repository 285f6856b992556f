// Outbox claims: on PostgreSQL several senders (collectors) share the outbox and each row
// goes out once, each channel in order; on SQLite one process sends and nothing is claimed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/detail/sql_connection.hpp"
#include "storage/outbox.hpp"
#include "tests/storage/backend_fixture.hpp"

namespace nbsync::storage {
namespace {

std::vector<std::int64_t> ids_of(const std::vector<OutboxEntry>& rows) {
  std::vector<std::int64_t> ids;
  for (const auto& row : rows) {
    ids.push_back(row.id);
  }
  return ids;
}

class OutboxClaimTest : public test_support::BackendTest {
protected:
  // A sender of its own: its own connection and claimant name.
  std::unique_ptr<Outbox> sender(const std::string& name, std::int64_t lease_seconds = 30) const {
    if (on_postgres()) {
      return std::make_unique<Outbox>(PostgresLocation{postgres_uri(), {}}, OutboxLease{name, lease_seconds});
    }
    return std::make_unique<Outbox>(m_dir / "nbsync.db");
  }

  void add_rows(const std::string& channel, int count) {
    std::vector<OutboxRow> rows;
    for (int i = 0; i < count; ++i) {
      rows.push_back({channel, "message", std::nullopt, R"({"text": ")" + std::to_string(i) + R"("})", ""});
    }
    sender("writer")->add(rows, 1);
  }
};

TEST_P(OutboxClaimTest, ASenderThatDiesLosesItsRowsWhenItsLeaseRunsOut) {
  add_rows("slack:ops", 3);
  const auto first = sender("collector-a");
  const auto claimed = first->due("slack:ops", 100, 10);
  ASSERT_EQ(claimed.size(), 3u);
  // collector-a dies here, its rows neither delivered nor deferred.
  const auto second = sender("collector-b");
  if (on_postgres()) {
    EXPECT_TRUE(second->due("slack:ops", 129, 10).empty()) << "collector-a's lease (30 s) still holds them";
    EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE claimed_by = 'collector-a'"), 3);
  }
  // On SQLite one process sends: its next sender takes them at once.
  const auto taken = second->due("slack:ops", 130, 10);
  EXPECT_EQ(ids_of(taken), ids_of(claimed));
  second->remove(ids_of(taken));
  EXPECT_EQ(second->depth(), 0);
}

TEST_P(OutboxClaimTest, DeferredAndRefusedRowsAreReleasedAtOnce) {
  add_rows("slack:ops", 1);
  add_rows("slack:noc", 1);
  const auto first = sender("collector-a");
  const auto ops = first->due("slack:ops", 100, 10);
  const auto noc = first->due("slack:noc", 100, 10);
  ASSERT_EQ(ops.size(), 1u);
  ASSERT_EQ(noc.size(), 1u);
  first->defer(ids_of(ops), 101, 0, "HTTP 503", false);
  first->refuse(ids_of(noc), 100, "HTTP 404");
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE claimed_by IS NOT NULL"), 0);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM outbox WHERE lease_until IS NOT NULL"), 0);
  const auto second = sender("collector-b");
  EXPECT_EQ(ids_of(second->due("slack:ops", 101, 10)), ids_of(ops)) << "due again, and no longer held";
  EXPECT_EQ(second->requeue_refused(), 1);
  EXPECT_EQ(ids_of(second->due("slack:noc", 101, 10)), ids_of(noc));
}

TEST_P(OutboxClaimTest, AChannelWhoseFirstRowsAnotherSenderHoldsWaitsSoItsRowsGoOutInOrder) {
  add_rows("netbox", 4);
  const auto first = sender("collector-a");
  const auto second = sender("collector-b");
  const auto head = first->due("netbox", 100, 2);
  ASSERT_EQ(head.size(), 2u);
  const auto meanwhile = second->due("netbox", 100, 10);
  if (on_postgres()) {
    EXPECT_TRUE(meanwhile.empty()) << "rows 3 and 4 must not overtake rows 1 and 2";
  } else {
    EXPECT_EQ(meanwhile.size(), 4u) << "SQLite claims nothing";
  }
  EXPECT_EQ(ids_of(first->due("netbox", 100, 2)), ids_of(head)) << "a sender's own rows are due to it again";
  first->mark_sending(ids_of(head), 100, 110);
  first->remove(ids_of(head));
  const auto rest = second->due("netbox", 100, 10);
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_GT(rest.front().id, head.back().id);
}

NBSYNC_ON_BOTH_BACKENDS(OutboxClaimTest);

// Several collectors on one PostgreSQL.
class OutboxSendersTest : public OutboxClaimTest {};

// Two senders, each on its own thread and connection, drain three channels at once while
// the rows a dead third sender claimed wait for its lease to run out. Every row is
// delivered exactly once, and each channel's rows are claimed in order.
TEST_P(OutboxSendersTest, ConcurrentSendersNeverGetTheSameRowAndDeliverEachOnce) {
  const std::vector<std::string> channels = {"netbox", "slack:ops", "slack:noc"};
  for (const auto& channel : channels) {
    add_rows(channel, 60);
  }
  const std::int64_t start = 1000;
  const auto dead = sender("collector-dead", 40);
  const auto held = dead->due("netbox", start, 5);
  ASSERT_EQ(held.size(), 5u);

  std::mutex mutex;
  std::map<std::int64_t, int> deliveries;                    // row id -> times delivered
  std::map<std::string, std::vector<std::int64_t>> claimed;  // channel -> ids in claim order
  std::map<std::string, std::set<std::int64_t>> by_sender;
  std::map<std::int64_t, std::int64_t> claimed_at;  // row id -> the clock when claimed
  std::atomic<std::int64_t> clock{start};
  std::vector<std::string> errors;
  const auto run = [&](const std::string& name) {
    try {
      // The live senders' leases outlast the test: the test's clock advances with every
      // round of either sender, so a short one could run out while a busy machine holds
      // one thread back (a real sender's lease is counted in seconds of its sending).
      const auto outbox = sender(name, 1000000);
      for (int round = 0; round < 2000 && outbox->depth() > 0; ++round) {
        const std::int64_t now = clock.fetch_add(1);
        for (const auto& channel : outbox->due_channels(now)) {
          const auto rows = outbox->due(channel, now, 7);
          {
            const std::lock_guard lock(mutex);
            for (const auto& row : rows) {
              claimed[channel].push_back(row.id);
              by_sender[name].insert(row.id);
              claimed_at[row.id] = now;
            }
          }
          outbox->mark_sending(ids_of(rows), now, now);
          {
            const std::lock_guard lock(mutex);
            for (const auto& row : rows) {
              ++deliveries[row.id];
            }
          }
          outbox->remove(ids_of(rows));
        }
      }
    } catch (const std::exception& e) {
      const std::lock_guard lock(mutex);
      errors.push_back(name + ": " + e.what());
    }
  };
  std::thread a(run, "collector-a");
  std::thread b(run, "collector-b");
  a.join();
  b.join();

  ASSERT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(dead->depth(), 0);
  ASSERT_EQ(deliveries.size(), 180u);
  for (const auto& [id, times] : deliveries) {
    EXPECT_EQ(times, 1) << "row " << id;
  }
  for (const auto id : ids_of(held)) {
    EXPECT_GE(claimed_at[id], start + 40) << "the dead sender's row " << id << " is taken once its lease ran out";
  }
  for (const auto id : by_sender["collector-a"]) {
    EXPECT_EQ(by_sender["collector-b"].count(id), 0u) << "row " << id << " went to both senders";
  }
  for (const auto& [channel, ids] : claimed) {
    EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end())) << channel << "'s rows were claimed out of order";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxSendersTest, ::testing::Values(test_support::Backend::postgresql),
                         test_support::backend_name);

}  // namespace
}  // namespace nbsync::storage
