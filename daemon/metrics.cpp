#include "daemon/metrics.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace nbsync::daemon {

struct MetricsRegistry::Family {
  bool is_counter = false;
  std::string help;
  std::vector<std::string> label_names;  // sorted (MetricLabels order)
  std::map<MetricLabels, std::unique_ptr<Counter>> counters;
  std::map<MetricLabels, std::unique_ptr<Gauge>> gauges;
};

namespace {

bool is_name_char(char c, bool first, bool allow_colon) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':')) {
    return true;
  }
  return !first && c >= '0' && c <= '9';
}

bool is_valid_name(std::string_view name, bool allow_colon) {
  if (name.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, allow_colon)) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> names_of(const MetricLabels& labels) {
  std::vector<std::string> names;
  for (const auto& [name, value] : labels) {
    names.push_back(name);
  }
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text = "{";
  for (const auto& name : names) {
    text.append(text.size() > 1 ? "," : "").append(name);
  }
  return text.append("}");
}

void append_escaped_help(std::string& out, std::string_view help) {
  for (const char c : help) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

void append_escaped_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
}

// Integers as integers ("1024", not "1.024e+03"); other values in the shortest form that
// reads back exactly; the special values as Prometheus spells them.
void append_value(std::string& out, double value) {
  if (std::isnan(value)) {
    out.append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out.append(value > 0 ? "+Inf" : "-Inf");
    return;
  }
  char buffer[32];
  std::to_chars_result result;
  constexpr double k_exact_integers = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) < k_exact_integers) {
    result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value));
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  out.append(buffer, result.ptr);
}

void append_series(std::string& out, const std::string& name, const MetricLabels& labels, double value) {
  out.append(name);
  if (!labels.empty()) {
    out.push_back('{');
    bool first = true;
    for (const auto& [label, text] : labels) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      out.append(label).append("=\"");
      append_escaped_label_value(out, text);
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
  append_value(out, value);
  out.push_back('\n');
}

template <typename Metric>
Metric& series_in(std::map<MetricLabels, std::unique_ptr<Metric>>& series, const MetricLabels& labels) {
  auto it = series.find(labels);
  if (it == series.end()) {
    it = series.emplace(labels, std::make_unique<Metric>()).first;
  }
  return *it->second;
}

}  // namespace

void Counter::inc(double amount) {
  if (!(amount >= 0.0)) {
    throw std::invalid_argument(std::string("a counter only goes up: cannot add ").append(std::to_string(amount)));
  }
  m_value.fetch_add(amount, std::memory_order_relaxed);
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

bool MetricsRegistry::is_valid_metric_name(std::string_view name) {
  return is_valid_name(name, true);
}

bool MetricsRegistry::is_valid_label_name(std::string_view name) {
  return is_valid_name(name, false) && !name.starts_with("__");
}

// Finds (or, with `declare`, creates) the family `name` and checks `labels` against it.
// The caller holds m_mutex.
MetricsRegistry::Family& MetricsRegistry::family(std::string_view name, std::string_view help, bool is_counter,
                                                 const MetricLabels& labels, bool declare) {
  const std::string metric(name);
  for (const auto& [label, value] : labels) {
    if (!is_valid_label_name(label)) {
      throw std::invalid_argument("metric " + metric + ": invalid label name '" + label +
                                  "' (expected [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)");
    }
  }
  auto it = m_families.find(name);
  if (it == m_families.end()) {
    if (!declare) {
      throw std::invalid_argument("metric " + metric + " is not declared: ask for it with counter() or gauge() first");
    }
    if (!is_valid_metric_name(name)) {
      throw std::invalid_argument("invalid metric name '" + metric + "' (expected [a-zA-Z_:][a-zA-Z0-9_:]*)");
    }
    if (is_counter && !name.ends_with("_total")) {
      throw std::invalid_argument("counter " + metric + ": a counter's name ends in _total");
    }
    auto created = std::make_unique<Family>();
    created->is_counter = is_counter;
    created->help = help;
    created->label_names = names_of(labels);
    it = m_families.emplace(metric, std::move(created)).first;
  }
  Family& found = *it->second;
  if (found.is_counter != is_counter) {
    throw std::invalid_argument("metric " + metric + " is a " + (found.is_counter ? "counter" : "gauge") + ", not a " +
                                (is_counter ? "counter" : "gauge"));
  }
  if (declare && found.help != help) {
    throw std::invalid_argument("metric " + metric + " is already declared with another help text");
  }
  if (const auto names = names_of(labels); names != found.label_names) {
    throw std::invalid_argument("metric " + metric + ": labels " + joined(names) + " differ from the family's " +
                                joined(found.label_names));
  }
  return found;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::lock_guard lock(m_mutex);
  return series_in(family(name, help, true, labels, true).counters, labels);
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help, const MetricLabels& labels) {
  std::lock_guard lock(m_mutex);
  return series_in(family(name, help, false, labels, true).gauges, labels);
}

void MetricsRegistry::add(std::string_view name, const MetricLabels& labels, double amount) {
  Counter* counter = nullptr;
  {
    std::lock_guard lock(m_mutex);
    counter = &series_in(family(name, {}, true, labels, false).counters, labels);
  }
  counter->inc(amount);
}

void MetricsRegistry::set_gauge(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(m_mutex);
  series_in(family(name, {}, false, labels, false).gauges, labels).set(value);
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::lock_guard lock(m_mutex);
  for (const auto& [name, family] : m_families) {
    out.append("# HELP ").append(name).push_back(' ');
    append_escaped_help(out, family->help);
    out.append("\n# TYPE ").append(name).append(family->is_counter ? " counter\n" : " gauge\n");
    for (const auto& [labels, counter] : family->counters) {
      append_series(out, name, labels, counter->value());
    }
    for (const auto& [labels, gauge] : family->gauges) {
      append_series(out, name, labels, gauge->value());
    }
  }
  return out;
}

}  // namespace nbsync::daemon
