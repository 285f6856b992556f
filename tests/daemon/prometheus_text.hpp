#pragma once
// A strict reader of the Prometheus text exposition format 0.0.4, for tests: every line
// must be a HELP, a TYPE or a sample, each family's lines together, HELP and TYPE at
// most once per family and before its samples, no series twice, the text ends in "\n".
// Anything else throws std::runtime_error naming the line.
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/metrics.hpp"

namespace nbsync::test {

struct PrometheusSample {
  std::string name;
  daemon::MetricLabels labels;
  double value = 0;
};

struct PrometheusText {
  std::map<std::string, std::string> help;  // family -> unescaped help
  std::map<std::string, std::string> type;  // family -> counter, gauge, ...
  std::vector<PrometheusSample> samples;

  std::optional<double> value(const std::string& name, const daemon::MetricLabels& labels = {}) const {
    for (const auto& sample : samples) {
      if (sample.name == name && sample.labels == labels) {
        return sample.value;
      }
    }
    return std::nullopt;
  }
};

namespace detail {

inline bool is_metric_name(std::string_view name) {
  return daemon::MetricsRegistry::is_valid_metric_name(name);
}

class LineReader {
public:
  LineReader(std::string_view line, std::size_t number) : m_line(line), m_number(number) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(std::string("line ")
                                 .append(std::to_string(m_number))
                                 .append(": ")
                                 .append(what)
                                 .append(": '")
                                 .append(m_line)
                                 .append("'"));
  }
  bool at_end() const { return m_pos >= m_line.size(); }
  char peek() const { return at_end() ? '\0' : m_line[m_pos]; }
  void expect(char c) {
    if (peek() != c) {
      fail(std::string("expected '") + c + "'");
    }
    ++m_pos;
  }
  std::string name(bool allow_colon) {
    const auto start = m_pos;
    while (!at_end()) {
      const char c = m_line[m_pos];
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (allow_colon && c == ':') ||
                      (m_pos > start && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      ++m_pos;
    }
    if (m_pos == start) {
      fail("expected a name");
    }
    return std::string(m_line.substr(start, m_pos - start));
  }
  std::string quoted() {
    expect('"');
    std::string value;
    for (;;) {
      if (at_end()) {
        fail("unterminated label value");
      }
      const char c = m_line[m_pos++];
      if (c == '"') {
        return value;
      }
      if (c != '\\') {
        value.push_back(c);
        continue;
      }
      const char escaped = peek();
      ++m_pos;
      if (escaped == '\\' || escaped == '"') {
        value.push_back(escaped);
      } else if (escaped == 'n') {
        value.push_back('\n');
      } else {
        fail("bad escape in label value");
      }
    }
  }
  std::string rest() {
    const auto text = std::string(m_line.substr(m_pos));
    m_pos = m_line.size();
    return text;
  }
  double number() {
    const auto end = m_line.find(' ', m_pos);
    const std::string text(m_line.substr(m_pos, end == std::string_view::npos ? std::string_view::npos : end - m_pos));
    m_pos += text.size();
    if (text == "NaN") {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (text == "+Inf") {
      return std::numeric_limits<double>::infinity();
    }
    if (text == "-Inf") {
      return -std::numeric_limits<double>::infinity();
    }
    char* parsed_end = nullptr;
    const double value = std::strtod(text.c_str(), &parsed_end);
    if (text.empty() || parsed_end != text.c_str() + text.size() || text == "inf" || text == "nan") {
      fail("bad value");
    }
    return value;
  }

private:
  std::string_view m_line;
  std::size_t m_number;
  std::size_t m_pos = 0;
};

inline std::string unescape_help(const std::string& text, const LineReader& reader) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      ++i;
    } else if (i + 1 < text.size() && text[i + 1] == 'n') {
      out.push_back('\n');
      ++i;
    } else {
      reader.fail("bad escape in HELP");
    }
  }
  return out;
}

}  // namespace detail

inline PrometheusText parse_prometheus_text(std::string_view text) {
  PrometheusText result;
  if (!text.empty() && text.back() != '\n') {
    throw std::runtime_error("the text does not end with a newline");
  }
  std::set<std::string> finished_families;
  std::set<std::pair<std::string, daemon::MetricLabels>> seen_series;
  std::string current;
  auto enter = [&](const std::string& family, const detail::LineReader& reader) {
    if (family == current) {
      return;
    }
    if (finished_families.count(family) != 0) {
      reader.fail("family " + family + " appears in two places");
    }
    if (!current.empty()) {
      finished_families.insert(current);
    }
    current = family;
  };
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    start = end + 1;
    detail::LineReader reader(line, ++number);
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const bool is_help = line.starts_with("# HELP ");
      detail::LineReader rest(line.substr(7), number);
      const auto name = rest.name(true);
      enter(name, reader);
      rest.expect(' ');
      const auto value = rest.rest();
      if (is_help) {
        if (!result.help.emplace(name, detail::unescape_help(value, reader)).second) {
          reader.fail("second HELP for " + name);
        }
        continue;
      }
      static const std::set<std::string> k_types = {"counter", "gauge", "histogram", "summary", "untyped"};
      if (k_types.count(value) == 0) {
        reader.fail("unknown type");
      }
      if (!result.type.emplace(name, value).second) {
        reader.fail("second TYPE for " + name);
      }
      for (const auto& sample : result.samples) {
        if (sample.name == name) {
          reader.fail("TYPE after a sample of " + name);
        }
      }
      continue;
    }
    if (line.starts_with("#") || line.empty()) {
      reader.fail("unexpected comment or empty line");
    }
    PrometheusSample sample;
    sample.name = reader.name(true);
    enter(sample.name, reader);
    if (reader.peek() == '{') {
      reader.expect('{');
      while (reader.peek() != '}') {
        const auto label = reader.name(false);
        reader.expect('=');
        if (!sample.labels.emplace(label, reader.quoted()).second) {
          reader.fail("label " + label + " twice");
        }
        if (reader.peek() == ',') {
          reader.expect(',');
        } else if (reader.peek() != '}') {
          reader.fail("expected ',' or '}'");
        }
      }
      reader.expect('}');
    }
    reader.expect(' ');
    sample.value = reader.number();
    if (!reader.at_end()) {
      reader.expect(' ');
      reader.number();  // a timestamp
    }
    if (!reader.at_end()) {
      reader.fail("trailing text");
    }
    if (!seen_series.emplace(sample.name, sample.labels).second) {
      reader.fail("series twice");
    }
    result.samples.push_back(std::move(sample));
  }
  return result;
}

}  // namespace nbsync::test
