// Collectors sharing one database: zone cycles, device claims, take-over after a lease,
// one summary per zone cycle, retirement within a zone only. Each test runs on SQLite and on
// PostgreSQL; each collector has its own connection, as separate processes would.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "storage/collector_store.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"

namespace nbsync::storage {
namespace {

using namespace std::chrono_literals;

std::vector<std::int64_t> ids(std::int64_t from, std::int64_t to) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(to - from + 1));
  std::iota(out.begin(), out.end(), from);
  return out;
}

// One collector: its identity, its connection, its store of claims, its snapshot store.
struct Collector {
  CollectorIdentity me;
  std::unique_ptr<Database> database;
  std::unique_ptr<CollectorStore> claims;
  std::unique_ptr<SnapshotStore> store;
  std::int64_t run_id = 0;
  std::int64_t cycle = 0;
  std::vector<RunDigest> reports;  // what finish_run composed for Slack

  void enter(std::chrono::seconds interval = 3600s, bool wait = false) {
    claims->heartbeat(me);
    const ZoneCycleEntry entry = claims->enter_cycle(me, interval, wait);
    ASSERT_TRUE(entry.cycle.has_value()) << me.name << " has no cycle to work in";
    cycle = entry.cycle->number;
    run_id = store->begin_run({me.name, me.zone, cycle});
  }
  void mirror(const std::vector<std::int64_t>& devices) {
    std::vector<DeviceRecord> records;
    for (const std::int64_t id : devices) {
      records.push_back({id, "dev-" + std::to_string(id), "site", "", "", "", "active", "", {}});
    }
    store->upsert_devices(run_id, records);
    store->commit();
  }
  std::vector<std::int64_t> claim(const std::vector<std::int64_t>& devices) {
    return claims->claim(me, cycle, run_id, devices);
  }
  void back_up(const std::vector<std::int64_t>& devices) {
    for (const std::int64_t id : devices) {
      AttemptRecord attempt;
      attempt.device_id = id;
      attempt.outcome = OutcomeKind::timeout;
      attempt.message = "dev-" + std::to_string(id) + ": timed out";
      store->record_attempt(run_id, attempt);
    }
    store->commit();
  }
  void finish() {
    store->retire_missing(run_id);
    store->finish_run(run_id, true);
  }
};

class CollectorStoreTest : public test_support::BackendTest {
protected:
  std::unique_ptr<Collector> collector(const std::string& name, const std::string& zone = "east",
                                       const std::string& host = "box-a:1") {
    auto c = std::make_unique<Collector>();
    c->me = {name, zone, "site=" + zone, host, 30s};
    c->database = open_database();
    c->claims = std::make_unique<CollectorStore>(*c->database);
    c->store = std::make_unique<SnapshotStore>(*c->database, 0);
    NotificationHooks hooks;
    hooks.on_run = [c = c.get()](const RunDigest& digest) {
      c->reports.push_back(digest);
      return std::vector<OutboxRow>{};
    };
    c->store->set_notification_hooks(std::move(hooks));
    return c;
  }

  // east-1 and east-2, on boxes of their own, in zone east's cycle.
  std::pair<std::unique_ptr<Collector>, std::unique_ptr<Collector>> two_in_east() {
    auto a = collector("east-1");
    auto b = collector("east-2", "east", "box-b:1");
    a->enter();
    b->enter();
    return {std::move(a), std::move(b)};
  }

  // The collector's heartbeat as if it had stopped `seconds` ago.
  void silence(const Collector& c, std::int64_t seconds) {
    sql().execute("UPDATE collectors SET heartbeat_at = heartbeat_at - ?1 WHERE name = ?2",
                  detail::SqlParams().add(seconds).add(c.me.name));
  }
};

TEST_P(CollectorStoreTest, CollectorsOfOneZoneShareItsCycleAndEachDeviceIsClaimedOnce) {
  auto [a, b] = two_in_east();
  EXPECT_EQ(a->cycle, 1);
  EXPECT_EQ(b->cycle, 1) << "east-2 joins the cycle east-1 opened";
  EXPECT_EQ(a->claim(ids(1, 10)), ids(1, 10));
  EXPECT_TRUE(b->claim(ids(1, 10)).empty()) << "live east-1 holds them";
  EXPECT_EQ(b->claim(ids(8, 15)), ids(11, 15));
  auto west = collector("west-1", "west", "box-c:1");
  west->enter();
  EXPECT_EQ(west->cycle, 1);
  EXPECT_EQ(west->claim(ids(1, 3)), ids(1, 3)) << "another zone's cycle has claims of its own";
}

TEST_P(CollectorStoreTest, ClaimsRacedForFromTwoConnectionsAreWonOnceEach) {
  auto [a, b] = two_in_east();
  const std::vector<std::int64_t> devices = ids(1, 600);
  std::vector<std::int64_t> won_a, won_b;
  std::thread racer([&] { won_b = b->claim(devices); });
  won_a = a->claim(devices);
  racer.join();
  std::set<std::int64_t> all(won_a.begin(), won_a.end());
  for (const std::int64_t id : won_b) {
    EXPECT_TRUE(all.insert(id).second) << "device " << id << " claimed by both";
  }
  EXPECT_EQ(all.size(), devices.size());
}

TEST_P(CollectorStoreTest, ADeadCollectorsUndoneClaimsAreTakenOverAfterItsLeaseNotBefore) {
  auto [a, b] = two_in_east();
  a->mirror(ids(1, 6));
  ASSERT_EQ(a->claim(ids(1, 6)).size(), 6u);
  a->back_up(ids(1, 2));  // then east-1 dies with 3..6 claimed
  ClaimsLeft left = b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 100);
  EXPECT_TRUE(left.taken.empty()) << "east-1's lease (30 s) still holds its claims";
  EXPECT_EQ(left.held_by_others, 4);
  silence(*a, 31);
  left = b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 3);
  EXPECT_EQ(left.taken.size(), 3u) << "at most the limit asked for";
  left = b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 100);
  EXPECT_EQ(left.taken.size(), 1u);
  EXPECT_EQ(left.held_by_others, 0);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM device_claims WHERE done_at IS NOT NULL"), 2)
      << "done claims are never taken over";
}

TEST_P(CollectorStoreTest, ReleasedClaimsGoToTheOthersAtOnceAndARestartedCollectorRedoesItsOwn) {
  auto [a, b] = two_in_east();
  a->mirror(ids(1, 4));
  ASSERT_EQ(a->claim(ids(1, 4)).size(), 4u);
  a->back_up({1});
  a->claims->release(a->run_id, 4);  // nbsync's own failure on device 4: back to the zone at once
  EXPECT_EQ(a->claims->release(a->run_id), 2) << "2 and 3; 4 was released already";
  const ClaimsLeft own = a->claims->take_what_is_left(a->me, a->cycle, a->run_id, 10);
  EXPECT_TRUE(own.taken.empty()) << "a run never takes back what it released";
  EXPECT_EQ(own.held_by_others, 0) << "nor waits for it";
  EXPECT_EQ(b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 2).taken.size(), 2u);
  // east-1 restarts on its own box (a new pid) within its lease: the same collector, a new
  // run, and what its earlier run left is its own to finish.
  auto a_again = collector("east-1", "east", "box-a:2");
  a_again->enter();
  EXPECT_EQ(a_again->cycle, a->cycle);
  EXPECT_EQ(a_again->claims->take_what_is_left(a_again->me, a_again->cycle, a_again->run_id, 10).taken.size(), 1u);
}

TEST_P(CollectorStoreTest, AnotherLiveBoxCannotTakeACollectorsName) {
  auto a = collector("east-1");
  a->enter();
  auto impostor = collector("east-1", "east", "box-z:7");
  try {
    impostor->claims->heartbeat(impostor->me);
    FAIL() << "a second box took a live collector's name";
  } catch (const DatabaseError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by box-a:1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("its own [collector] name"), std::string::npos) << e.what();
  }
  silence(*a, 31);
  EXPECT_NO_THROW(impostor->claims->heartbeat(impostor->me)) << "a dead collector's name may be taken";
}

TEST_P(CollectorStoreTest, TheLastCollectorToFinishClosesTheCycleAndReportsEveryRunOfItOnce) {
  auto [a, b] = two_in_east();
  a->mirror(ids(1, 6));
  b->mirror(ids(1, 6));
  ASSERT_EQ(a->claim(ids(1, 6)).size(), 6u) << "east-1 walks first";
  ASSERT_EQ(b->claim(ids(4, 6)).size(), 0u);
  a->back_up(ids(1, 3));
  // east-1 dies; east-2 takes over the rest after the lease.
  silence(*a, 31);
  const ClaimsLeft left = b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 100);
  ASSERT_EQ(left.taken, ids(4, 6));
  b->back_up(left.taken);
  b->finish();
  ASSERT_EQ(b->reports.size(), 1u) << "east-2 closed the cycle: one summary";
  const RunDigest& digest = b->reports.front();
  EXPECT_EQ(digest.zone, "east");
  EXPECT_EQ(digest.zone_cycle, std::optional<std::int64_t>(1));
  EXPECT_EQ(digest.collectors, 2);
  EXPECT_EQ(digest.totals.by_outcome.at(OutcomeKind::timeout), 6) << "both runs' attempts";
  EXPECT_EQ(digest.started_failing.count, 6);
  // east-1 comes back and finishes its run: the cycle is closed, no second summary.
  a->finish();
  EXPECT_TRUE(a->reports.empty());
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM zone_cycles WHERE closed_by = 'east-2'"), 1);
}

TEST_P(CollectorStoreTest, ACycleWithClaimsLeftIsNotClosedByTheCollectorThatFinishesFirst) {
  auto [a, b] = two_in_east();
  a->mirror(ids(1, 4));
  ASSERT_EQ(a->claim(ids(1, 2)).size(), 2u);
  ASSERT_EQ(b->claim(ids(3, 4)).size(), 2u);
  a->back_up(ids(1, 2));
  a->finish();
  EXPECT_TRUE(a->reports.empty()) << "east-2 still holds devices 3 and 4";
  b->back_up(ids(3, 4));
  b->finish();
  EXPECT_EQ(b->reports.size(), 1u);
}

// A device taken over that NetBox no longer lists ends its claim without an attempt, so the
// cycle still closes.
TEST_P(CollectorStoreTest, AClaimEndedWithoutAnAttemptLetsTheCycleClose) {
  auto [a, b] = two_in_east();
  a->mirror(ids(1, 2));
  ASSERT_EQ(a->claim(ids(1, 2)).size(), 2u);
  a->back_up({1});
  silence(*a, 31);
  const ClaimsLeft left = b->claims->take_what_is_left(b->me, b->cycle, b->run_id, 10);
  ASSERT_EQ(left.taken, ids(2, 2));
  b->claims->mark_done(b->run_id, left.taken);
  b->finish();
  EXPECT_EQ(b->reports.size(), 1u) << "nothing left undone: east-2 closed the cycle";
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM attempts WHERE device_id = 2"), 0);
}

TEST_P(CollectorStoreTest, ADoneCycleHoldsTheDaemonUntilItsIntervalButNotRunOnce) {
  auto a = collector("east-1");
  a->enter(3600s);
  a->finish();  // no claims: closes at once
  const ZoneCycleEntry daemon = a->claims->enter_cycle(a->me, 3600s, true);
  ASSERT_FALSE(daemon.cycle.has_value());
  ASSERT_TRUE(daemon.done.has_value());
  EXPECT_EQ(daemon.done->number, 1);
  EXPECT_GT(daemon.next_at, daemon.now);
  const ZoneCycleEntry once = a->claims->enter_cycle(a->me, 3600s, false);
  ASSERT_TRUE(once.cycle.has_value());
  EXPECT_EQ(once.cycle->number, 2);
}

TEST_P(CollectorStoreTest, AnOpenCycleOlderThanTheIntervalIsAbandonedForANewOne) {
  auto a = collector("east-1");
  a->enter();
  ASSERT_EQ(a->claim(ids(1, 3)).size(), 3u);  // and every collector of the zone dies
  sql().execute("UPDATE zone_cycles SET opened_at = opened_at - 7200");
  auto b = collector("east-2", "east", "box-b:1");
  b->enter(3600s, true);
  EXPECT_EQ(b->cycle, 2);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM zone_cycles WHERE cycle = 1 AND closed_at IS NOT NULL"),
            1);
  EXPECT_EQ(b->claim(ids(1, 3)).size(), 3u);
}

TEST_P(CollectorStoreTest, ACollectorRetiresOnlyDevicesOfItsOwnZone) {
  auto east = collector("east-1");
  auto west = collector("west-1", "west", "box-b:1");
  east->enter();
  west->enter();
  east->mirror(ids(1, 3));
  west->mirror(ids(10, 11));
  east->finish();
  west->finish();
  auto east_next = collector("east-1");
  east_next->enter(0s);  // the next cycle: device 3 is gone from NetBox
  east_next->mirror(ids(1, 2));
  east_next->finish();
  EXPECT_EQ(detail::query_integer(sql(), "SELECT count(*) FROM devices WHERE retired_at IS NOT NULL"), 1);
  EXPECT_EQ(detail::query_integer(sql(), "SELECT id FROM devices WHERE retired_at IS NOT NULL"), 3);
}

TEST_P(CollectorStoreTest, StatusListsEachCollectorItsZoneItsLastRunAndWhetherItIsAlive) {
  auto a = collector("east-1");
  auto b = collector("west-1", "west", "box-b:1");
  a->enter();
  b->enter();
  a->finish();
  silence(*b, 31);
  const std::vector<CollectorStatus> all = read_collectors(database());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "east-1");
  EXPECT_EQ(all[0].zone, "east");
  EXPECT_EQ(all[0].zone_filters, "site=east");
  EXPECT_TRUE(all[0].alive);
  EXPECT_EQ(all[0].last_run, std::optional<std::int64_t>(a->run_id));
  EXPECT_TRUE(all[0].last_run_finished_at.has_value());
  EXPECT_EQ(all[0].last_zone_cycle, std::optional<std::int64_t>(1));
  EXPECT_EQ(all[1].name, "west-1");
  EXPECT_FALSE(all[1].alive);
  EXPECT_FALSE(all[1].last_run_finished_at.has_value()) << "its run never finished";
}

NBSYNC_ON_BOTH_BACKENDS(CollectorStoreTest);

}  // namespace
}  // namespace nbsync::storage
