#include "daemon/daemon_metrics.hpp"

#include <gtest/gtest.h>

#include <set>

#include "daemon/cycle_summary.hpp"
#include "tests/daemon/prometheus_text.hpp"

namespace nbsync::daemon {
namespace {

using namespace std::chrono_literals;
using test::parse_prometheus_text;

const std::vector<std::string> k_outcome_names = {"ok",        "connect",    "auth",     "timeout", "host_key_mismatch",
                                                  "too_large", "incomplete", "protocol", "skipped"};

TEST(MetricsDaemonFamilies, EverySeriesADashboardNeedsExistsAtStart) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  const auto parsed = parse_prometheus_text(registry.render());

  EXPECT_EQ(parsed.value("nbsync_up"), 1);
  EXPECT_EQ(parsed.value("nbsync_build_info", {{"version", "0.1.0"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_cycle_running"), 0);
  for (const auto& outcome : k_outcome_names) {
    EXPECT_EQ(parsed.value("nbsync_devices", {{"outcome", outcome}}), 0) << outcome;
    EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", outcome}}), 0) << outcome;
  }
  for (const auto* result : {"completed", "incomplete_inventory", "failed"}) {
    EXPECT_EQ(parsed.value("nbsync_cycles_total", {{"result", result}}), 0) << result;
  }
  for (const auto* target : {"netbox", "slack"}) {
    for (const auto* result : {"ok", "retry", "dropped"}) {
      EXPECT_EQ(parsed.value("nbsync_notify_requests_total", {{"target", target}, {"result", result}}), 0);
    }
  }
  EXPECT_EQ(parsed.type.at("nbsync_backups_total"), "counter");
  EXPECT_EQ(parsed.type.at("nbsync_devices"), "gauge");
  EXPECT_EQ(parsed.type.at("nbsync_config_bytes_read_total"), "counter");
  EXPECT_EQ(parsed.type.at("nbsync_last_cycle_success_timestamp_seconds"), "gauge");
  for (const auto& [family, help] : parsed.help) {
    EXPECT_FALSE(help.empty()) << family;
  }
}

TEST(MetricsDaemonFamilies, ACycleIsCountedAndTimed) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.cycle_started();
  EXPECT_EQ(parse_prometheus_text(registry.render()).value("nbsync_cycle_running"), 1);

  metrics.count_backup(OutcomeKind::ok);
  metrics.count_backup(OutcomeKind::ok);
  metrics.count_backup(OutcomeKind::host_key_mismatch);
  metrics.count_config_bytes(4096);
  metrics.count_config_bytes(1000);
  metrics.count_config_change();
  const auto finished = std::chrono::system_clock::time_point(1700000000s);
  metrics.cycle_finished(CycleResult::completed, 12.5s, finished);

  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_cycle_running"), 0);
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "ok"}}), 2);
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "host_key_mismatch"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_config_bytes_read_total"), 5096);
  EXPECT_EQ(parsed.value("nbsync_config_changes_total"), 1);
  EXPECT_EQ(parsed.value("nbsync_cycles_total", {{"result", "completed"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_cycle_duration_seconds"), 12.5);
  EXPECT_EQ(parsed.value("nbsync_last_cycle_success_timestamp_seconds"), 1700000000);
}

TEST(MetricsDaemonFamilies, OnlyACompletedCycleMovesTheSuccessTimestamp) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.cycle_finished(CycleResult::completed, 1s, std::chrono::system_clock::time_point(1000s));
  metrics.cycle_finished(CycleResult::incomplete_inventory, 2s, std::chrono::system_clock::time_point(2000s));
  metrics.cycle_finished(CycleResult::failed, 3s, std::chrono::system_clock::time_point(3000s));
  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_last_cycle_success_timestamp_seconds"), 1000);
  EXPECT_EQ(parsed.value("nbsync_cycle_duration_seconds"), 3)
      << "the duration is the last cycle's, whatever its result";
  EXPECT_EQ(parsed.value("nbsync_cycles_total", {{"result", "incomplete_inventory"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_cycles_total", {{"result", "failed"}}), 1);
}

TEST(MetricsDaemonFamilies, DevicesGaugeIsTheLastCycleFromItsSummary) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.set_devices(OutcomeKind::timeout, 9);
  CycleSummary summary;
  summary.add_outcome(OutcomeKind::ok, true, "r1", "");
  summary.add_outcome(OutcomeKind::ok, false, "r2", "");
  summary.add_outcome(OutcomeKind::auth, false, "r3", "r3: login refused");
  metrics.set_devices(summary);
  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_devices", {{"outcome", "ok"}}), 2);
  EXPECT_EQ(parsed.value("nbsync_devices", {{"outcome", "auth"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_devices", {{"outcome", "timeout"}}), 0) << "the previous cycle's figure is replaced";
}

TEST(MetricsDaemonFamilies, OutboxChannelsThatEmptiedDropToZero) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.set_outbox({{"netbox", 120, 300s}, {"slack:ops", 3, 42s}});
  auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_outbox_rows", {{"channel", "netbox"}}), 120);
  EXPECT_EQ(parsed.value("nbsync_outbox_oldest_age_seconds", {{"channel", "netbox"}}), 300);
  EXPECT_EQ(parsed.value("nbsync_outbox_rows", {{"channel", "slack:ops"}}), 3);

  metrics.set_outbox({{"netbox", 5, 10s}});
  parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_outbox_rows", {{"channel", "netbox"}}), 5);
  EXPECT_EQ(parsed.value("nbsync_outbox_rows", {{"channel", "slack:ops"}}), 0);
  EXPECT_EQ(parsed.value("nbsync_outbox_oldest_age_seconds", {{"channel", "slack:ops"}}), 0);
}

TEST(MetricsDaemonFamilies, ScopesShowTheirCapPeakAndBackOffsAndSitesOnlyWhenTheyStruggled) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  backup::ScopeLimitState limit{.scope = "site=ams1", .sessions_cap = 4, .peak_sessions = 4};
  backup::ScopeLimitState calm{.scope = "site fra1", .sessions_cap = 40, .peak_sessions = 30, .adaptive = true};
  backup::ScopeLimitState struggling{
      .scope = "site lon1", .sessions_cap = 6, .peak_sessions = 16, .adaptive = true, .backoffs = 2, .lowest_cap = 4};
  metrics.set_scopes({limit, calm, struggling});
  auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_scope_sessions_cap", {{"scope", "site=ams1"}}), 4);
  EXPECT_EQ(parsed.value("nbsync_scope_peak_sessions", {{"scope", "site=ams1"}}), 4);
  EXPECT_EQ(parsed.value("nbsync_scope_backoffs", {{"scope", "site lon1"}}), 2);
  EXPECT_EQ(parsed.value("nbsync_scope_sessions_cap", {{"scope", "site lon1"}}), 6);
  EXPECT_FALSE(parsed.value("nbsync_scope_peak_sessions", {{"scope", "site fra1"}}).has_value())
      << "a site that never struggled is not a series";
  metrics.set_scopes({limit});
  parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_scope_backoffs", {{"scope", "site lon1"}}), 0) << "the next cycle went well";
  EXPECT_EQ(parsed.value("nbsync_scope_peak_sessions", {{"scope", "site lon1"}}), 0);
}

TEST(MetricsDaemonFamilies, NotifyRequestsByTargetAndResult) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.count_notify_request(NotifyTarget::netbox, NotifyResult::ok);
  metrics.count_notify_request(NotifyTarget::netbox, NotifyResult::ok);
  metrics.count_notify_request(NotifyTarget::slack, NotifyResult::retry);
  metrics.count_notify_request(NotifyTarget::slack, NotifyResult::dropped);
  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_notify_requests_total", {{"target", "netbox"}, {"result", "ok"}}), 2);
  EXPECT_EQ(parsed.value("nbsync_notify_requests_total", {{"target", "slack"}, {"result", "retry"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_notify_requests_total", {{"target", "slack"}, {"result", "dropped"}}), 1);
  EXPECT_EQ(parsed.value("nbsync_notify_requests_total", {{"target", "netbox"}, {"result", "dropped"}}), 0);
}

TEST(MetricsDaemonFamilies, EveryFamilyIsNbsyncPrefixed) {
  MetricsRegistry registry;
  DaemonMetrics metrics(registry, "0.1.0");
  metrics.set_outbox({{"netbox", 1, 1s}});
  const auto families = parse_prometheus_text(registry.render()).type;
  EXPECT_GE(families.size(), 10u) << "every family the daemon exports is there to check";
  for (const auto& [family, type] : families) {
    EXPECT_EQ(family.rfind("nbsync_", 0), 0u) << family;
  }
  for (const char* family : {"nbsync_devices", "nbsync_backups_total", "nbsync_outbox_rows",
                             "nbsync_outbox_refused_rows", "nbsync_notify_requests_total"}) {
    EXPECT_TRUE(families.count(family)) << family;
  }
}

}  // namespace
}  // namespace nbsync::daemon
