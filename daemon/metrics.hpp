#pragma once
// A small thread-safe registry of counters and gauges, rendered in the Prometheus text
// exposition format 0.0.4. Output is deterministic: families sorted by name, series by
// labels. Series are never removed, so a Counter& or Gauge& stays valid as long as the
// registry; names and labels are checked when a series is first asked for.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync::daemon {

// Label name -> value. Every series of a family has the same label names.
using MetricLabels = std::map<std::string, std::string, std::less<>>;

class Counter {
public:
  // Adds `amount` (>= 0, else std::invalid_argument: a counter only goes up).
  void inc(double amount = 1.0);
  double value() const { return m_value.load(std::memory_order_relaxed); }

private:
  std::atomic<double> m_value{0.0};
};

class Gauge {
public:
  void set(double value) { m_value.store(value, std::memory_order_relaxed); }
  void add(double amount) { m_value.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return m_value.load(std::memory_order_relaxed); }

private:
  std::atomic<double> m_value{0.0};
};

class MetricsRegistry {
public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The series name{labels}, created at 0 the first time. The first call for a name
  // declares its family (type, help, label names). Throws std::invalid_argument for an
  // invalid name or label name, a counter name not ending in "_total", a name already
  // declared with another type or help, or label names other than the family's.
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});

  // Shorthands for a family already declared by counter()/gauge() (else invalid_argument).
  void add(std::string_view name, const MetricLabels& labels, double amount = 1.0);
  void set_gauge(std::string_view name, const MetricLabels& labels, double value);

  // Every family: "# HELP", "# TYPE", then one line per series; "\n" after each line.
  std::string render() const;

  // [a-zA-Z_:][a-zA-Z0-9_:]*
  static bool is_valid_metric_name(std::string_view name);
  // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved by Prometheus)
  static bool is_valid_label_name(std::string_view name);

private:
  struct Family;
  Family& family(std::string_view name, std::string_view help, bool is_counter, const MetricLabels& labels,
                 bool declare);
  mutable std::mutex m_mutex;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> m_families;
};

}  // namespace nbsync::daemon
