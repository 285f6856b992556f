#include "daemon/metrics.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/daemon/prometheus_text.hpp"

namespace nbsync::daemon {
namespace {

using test::parse_prometheus_text;
using ::testing::HasSubstr;

TEST(MetricsRegistry, RendersHelpTypeAndSamplesInTheTextFormat) {
  MetricsRegistry registry;
  registry.counter("nbsync_backups_total", "Device backups ended", {{"outcome", "ok"}}).inc(3);
  registry.counter("nbsync_backups_total", "Device backups ended", {{"outcome", "auth"}}).inc();
  registry.gauge("nbsync_cycle_running", "1 while a cycle runs").set(1);

  EXPECT_EQ(registry.render(),
            "# HELP nbsync_backups_total Device backups ended\n"
            "# TYPE nbsync_backups_total counter\n"
            "nbsync_backups_total{outcome=\"auth\"} 1\n"
            "nbsync_backups_total{outcome=\"ok\"} 3\n"
            "# HELP nbsync_cycle_running 1 while a cycle runs\n"
            "# TYPE nbsync_cycle_running gauge\n"
            "nbsync_cycle_running 1\n");
}

TEST(MetricsRegistry, OutputOrderDoesNotDependOnCreationOrder) {
  MetricsRegistry first;
  first.gauge("b", "B", {{"x", "2"}, {"a", "1"}});
  first.gauge("b", "B", {{"x", "1"}, {"a", "1"}});
  first.counter("a_total", "A");
  MetricsRegistry second;
  second.counter("a_total", "A");
  second.gauge("b", "B", {{"a", "1"}, {"x", "1"}});
  second.gauge("b", "B", {{"a", "1"}, {"x", "2"}});
  EXPECT_EQ(first.render(), second.render());
  EXPECT_THAT(first.render(), HasSubstr("b{a=\"1\",x=\"1\"} 0\nb{a=\"1\",x=\"2\"} 0\n"));
}

TEST(MetricsRegistry, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.gauge("nbsync_outbox_rows", "Rows\\waiting\nnow", {{"channel", "slack:\"ops\"\\\nteam"}}).set(2);
  const auto text = registry.render();
  EXPECT_THAT(text, HasSubstr("# HELP nbsync_outbox_rows Rows\\\\waiting\\nnow\n"));
  EXPECT_THAT(text, HasSubstr("nbsync_outbox_rows{channel=\"slack:\\\"ops\\\"\\\\\\nteam\"} 2\n"));

  const auto parsed = parse_prometheus_text(text);
  EXPECT_EQ(parsed.help.at("nbsync_outbox_rows"), "Rows\\waiting\nnow");
  EXPECT_EQ(parsed.value("nbsync_outbox_rows", {{"channel", "slack:\"ops\"\\\nteam"}}), 2);
}

TEST(MetricsRegistry, ValuesAreExactAndSpecialValuesSpelledForPrometheus) {
  MetricsRegistry registry;
  registry.gauge("g", "G", {{"v", "big"}}).set(1e6);
  registry.gauge("g", "G", {{"v", "fraction"}}).set(0.1);
  registry.gauge("g", "G", {{"v", "huge"}}).set(1e300);
  registry.gauge("g", "G", {{"v", "negative"}}).set(-2.5);
  registry.gauge("g", "G", {{"v", "inf"}}).set(std::numeric_limits<double>::infinity());
  registry.gauge("g", "G", {{"v", "minus_inf"}}).set(-std::numeric_limits<double>::infinity());
  registry.gauge("g", "G", {{"v", "nan"}}).set(std::numeric_limits<double>::quiet_NaN());
  const auto text = registry.render();
  EXPECT_THAT(text, HasSubstr("g{v=\"big\"} 1000000\n"));
  EXPECT_THAT(text, HasSubstr("g{v=\"fraction\"} 0.1\n"));
  EXPECT_THAT(text, HasSubstr("g{v=\"inf\"} +Inf\n"));
  EXPECT_THAT(text, HasSubstr("g{v=\"minus_inf\"} -Inf\n"));
  EXPECT_THAT(text, HasSubstr("g{v=\"nan\"} NaN\n"));
  const auto parsed = parse_prometheus_text(text);
  EXPECT_EQ(parsed.value("g", {{"v", "huge"}}), 1e300);
  EXPECT_EQ(parsed.value("g", {{"v", "fraction"}}), 0.1);
  EXPECT_EQ(parsed.value("g", {{"v", "negative"}}), -2.5);
  EXPECT_TRUE(std::isnan(parsed.value("g", {{"v", "nan"}}).value_or(0)));
}

TEST(MetricsRegistry, RejectsInvalidNamesAndLabels) {
  MetricsRegistry registry;
  EXPECT_THROW(registry.gauge("1st", "x"), std::invalid_argument);
  EXPECT_THROW(registry.gauge("nbsync-up", "x"), std::invalid_argument);
  EXPECT_THROW(registry.gauge("", "x"), std::invalid_argument);
  EXPECT_THROW(registry.gauge("g", "x", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("g", "x", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(registry.gauge("g", "x", {{"a:b", "v"}}), std::invalid_argument) << "colons only in metric names";
  EXPECT_NO_THROW(registry.gauge("nbsync:recorded_rule", "x"));
  EXPECT_THROW(registry.counter("nbsync_backups", "x"), std::invalid_argument) << "counters end in _total";
  EXPECT_EQ(registry.render().find("nbsync_backups"), std::string::npos) << "a rejected family leaves no trace";
}

TEST(MetricsRegistry, AFamilyKeepsOneTypeOneHelpAndOneLabelSet) {
  MetricsRegistry registry;
  registry.counter("x_total", "X", {{"outcome", "ok"}});
  EXPECT_THROW(registry.gauge("x_total", "X", {{"outcome", "ok"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("x_total", "other help", {{"outcome", "ok"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("x_total", "X", {{"kind", "ok"}}), std::invalid_argument);
  EXPECT_THROW(registry.counter("x_total", "X"), std::invalid_argument);
  EXPECT_THROW(registry.add("undeclared_total", {}, 1), std::invalid_argument);
  EXPECT_THROW(registry.set_gauge("x_total", {{"outcome", "ok"}}, 1), std::invalid_argument);
}

TEST(MetricsRegistry, AddAndSetGaugeReachTheSameSeries) {
  MetricsRegistry registry;
  Counter& ok = registry.counter("nbsync_backups_total", "B", {{"outcome", "ok"}});
  registry.add("nbsync_backups_total", {{"outcome", "ok"}}, 2);
  registry.add("nbsync_backups_total", {{"outcome", "timeout"}});
  EXPECT_EQ(ok.value(), 2);
  Gauge& rows = registry.gauge("rows", "R", {{"channel", "netbox"}});
  registry.set_gauge("rows", {{"channel", "netbox"}}, 7);
  EXPECT_EQ(rows.value(), 7);
  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "timeout"}}), 1);
}

TEST(MetricsRegistry, CountersOnlyGoUp) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("c_total", "C");
  EXPECT_THROW(counter.inc(-1), std::invalid_argument);
  EXPECT_THROW(counter.inc(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  counter.inc(0.5);
  EXPECT_EQ(counter.value(), 0.5);
}

TEST(MetricsRegistry, ConcurrentUpdatesAndRendersLoseNothing) {
  MetricsRegistry registry;
  constexpr int k_threads = 4;
  constexpr int k_each = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t) {
    threads.emplace_back([&registry, t] {
      for (int i = 0; i < k_each; ++i) {
        registry.counter("nbsync_backups_total", "B", {{"outcome", i % 2 == 0 ? "ok" : "auth"}}).inc();
        registry.gauge("worker", "W", {{"id", std::to_string(t)}}).set(i);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    parse_prometheus_text(registry.render());  // well-formed while others write
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const auto parsed = parse_prometheus_text(registry.render());
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "ok"}}), k_threads * k_each / 2);
  EXPECT_EQ(parsed.value("nbsync_backups_total", {{"outcome", "auth"}}), k_threads * k_each / 2);
}

TEST(MetricsRegistry, EmptyRegistryRendersNothing) {
  EXPECT_EQ(MetricsRegistry().render(), "");
}

// The test's own parser must refuse what Prometheus refuses, or the tests above prove nothing.
TEST(MetricsTextParser, RejectsMalformedExpositions) {
  EXPECT_THROW(parse_prometheus_text("a 1"), std::runtime_error);  // no final newline
  EXPECT_THROW(parse_prometheus_text("a{x=\"1} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("a{x=\"\\t\"} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("a one\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("a 1\na 2\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("a 1\nb 1\na{x=\"y\"} 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("# TYPE a gauge\n# TYPE a gauge\na 1\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("a 1\n# TYPE a gauge\n"), std::runtime_error);
  EXPECT_THROW(parse_prometheus_text("# TYPE a thing\n"), std::runtime_error);
  EXPECT_NO_THROW(parse_prometheus_text("# HELP a x\\ny\n# TYPE a gauge\na{b=\"c\",} 1 1700000000000\n"));
}

}  // namespace
}  // namespace nbsync::daemon
