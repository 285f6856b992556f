// What `nbsync status`, /metrics and the viewer's fleet pages read: runs, failing and
// non-compliant devices, and the outbox per channel, on both backends.
#include "storage/service_status.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "storage/detail/outbox_insert.hpp"
#include "storage/detail/sql_connection.hpp"
#include "storage/snapshot_store.hpp"
#include "tests/storage/backend_fixture.hpp"
#include "tests/storage/storage_fixture.hpp"

namespace nbsync::storage {
namespace {

using test_support::config_text;
using test_support::device;
using test_support::failed_attempt;
using test_support::ok_attempt;

class ServiceStatusTest : public test_support::BackendTest {
protected:
  // A finished run over devices 1-4 (2 and 3 fail), then a run that is still going.
  void two_runs() {
    SnapshotStore store(database());
    m_finished = store.begin_run();
    store.upsert_devices(m_finished, std::vector<DeviceRecord>{device(1), device(2), device(3), device(4)});
    store.record_attempt(m_finished, ok_attempt(1, config_text(1, 1)));
    store.record_attempt(m_finished, failed_attempt(2, OutcomeKind::timeout, "dev2: no prompt"));
    store.record_attempt(m_finished, failed_attempt(3, OutcomeKind::auth, "dev3: refused"));
    store.record_attempt(m_finished, ok_attempt(4, config_text(4, 1)));
    store.finish_run(m_finished, true, "a note");
    m_running = store.begin_run();
  }

  std::int64_t m_finished = 0;
  std::int64_t m_running = 0;
};

TEST_P(ServiceStatusTest, TellsTheLastRunsAndTheFailingDevicesLongestFirst) {
  two_runs();
  sql().execute("UPDATE device_states SET failing_since = 50 WHERE device_id = 3");
  sql().execute("UPDATE device_states SET compliance = 'fail: no-telnet' WHERE device_id = 4");
  const ServiceStatus status = read_service_status(database(), 1);
  ASSERT_TRUE(status.last_run.has_value());
  EXPECT_EQ(status.last_run->id, m_running);
  EXPECT_FALSE(status.last_run->finished_at.has_value()) << "still running";
  ASSERT_TRUE(status.last_finished_run.has_value());
  const RunStatus& finished = *status.last_finished_run;
  EXPECT_EQ(finished.id, m_finished);
  EXPECT_EQ(finished.inventory_complete, true);
  EXPECT_EQ(finished.attempts, 4);
  EXPECT_EQ(finished.changed, 2);
  EXPECT_EQ(finished.summary_json, R"({"auth":1,"ok":2,"timeout":1})");
  EXPECT_EQ(finished.note, "a note");
  EXPECT_EQ(status.devices_known, 4);
  EXPECT_EQ(status.devices_failing, 2);
  EXPECT_EQ(status.devices_noncompliant, 1);
  ASSERT_EQ(status.failing.size(), 1u) << "the list is capped, the count is whole";
  EXPECT_EQ(status.failing[0].name, "dev3") << "failing longest first";
  EXPECT_EQ(status.failing[0].outcome, "auth");
  EXPECT_EQ(status.failing[0].message, "dev3: refused");
  EXPECT_EQ(status.failing[0].failing_since, 50);
}

TEST_P(ServiceStatusTest, CountsTheOutboxPerChannelWithWhatWasRefused) {
  detail::insert_outbox_row(sql(), {"netbox", "journal", 1, "{}", "a"}, 100);
  detail::insert_outbox_row(sql(), {"netbox", "journal", 2, "{}", "b"}, 90);
  detail::insert_outbox_row(sql(), {"slack:ops", "message", std::nullopt, "{}", "c"}, 80);
  sql().execute("UPDATE outbox SET refused_at = 120, last_error = 'HTTP 400: invalid_blocks' WHERE dedupe_key = 'c'");
  const ServiceStatus status = read_service_status(database(), 10);
  ASSERT_EQ(status.outbox.size(), 2u);
  EXPECT_EQ(status.outbox[0].channel, "netbox");
  EXPECT_EQ(status.outbox[0].rows, 2);
  EXPECT_EQ(status.outbox[0].oldest_created_at, 90);
  EXPECT_EQ(status.outbox[0].refused, 0);
  EXPECT_EQ(status.outbox[1].channel, "slack:ops");
  EXPECT_EQ(status.outbox[1].rows, 0);
  EXPECT_EQ(status.outbox[1].oldest_created_at, 0);
  EXPECT_EQ(status.outbox[1].refused, 1);
  EXPECT_EQ(status.outbox[1].refused_reason, "HTTP 400: invalid_blocks");
}

TEST_P(ServiceStatusTest, PagesThroughRunsNewestFirstAndVisitsARunsAttempts) {
  EXPECT_FALSE(read_service_status(database(), 10).last_run.has_value()) << "no run yet";
  two_runs();
  EXPECT_EQ(count_runs(database()), 2);
  const std::vector<RunStatus> newest = read_recent_runs(database(), 1);
  ASSERT_EQ(newest.size(), 1u);
  EXPECT_EQ(newest[0].id, m_running);
  const std::vector<RunStatus> older = read_recent_runs(database(), 5, 1);
  ASSERT_EQ(older.size(), 1u);
  EXPECT_EQ(older[0].id, m_finished);
  int attempts = 0;
  int changed = 0;
  int failed = 0;
  visit_run_attempts(database(), m_finished, [&](const RunAttempt& attempt) {
    ++attempts;
    changed += attempt.changed ? 1 : 0;
    failed += attempt.outcome == "ok" ? 0 : 1;
  });
  EXPECT_EQ(attempts, 4);
  EXPECT_EQ(changed, 2);
  EXPECT_EQ(failed, 2);
}

NBSYNC_ON_BOTH_BACKENDS(ServiceStatusTest);

}  // namespace
}  // namespace nbsync::storage
