#include "types/toml_table_reader.hpp"

#include <charconv>
#include <stdexcept>

#include "types/toml_type_name.hpp"

namespace nbsync {
namespace {

// 2.5 as "2.5", 100000 as "100000": the shortest text that reads back the same, without an
// exponent unless the number needs one.
std::string format_number(double value) {
  char text[64];
  std::to_chars_result written = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed);
  if (written.ec != std::errc{}) {
    written = std::to_chars(text, text + sizeof text, value);
  }
  return written.ec == std::errc{} ? std::string(text, written.ptr) : "?";
}

}  // namespace

bool split_number_unit(std::string_view text, std::uint64_t& number, std::string_view& unit) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc{} || end == text.data()) {
    return false;
  }
  unit = text.substr(static_cast<std::size_t>(end - text.data()));
  while (!unit.empty() && unit.front() == ' ') {
    unit.remove_prefix(1);
  }
  return true;
}

std::string toml_position(std::string_view file, const toml::node& node) {
  std::string out(file);
  const auto line = node.source().begin.line;
  if (line > 0) {
    out.append(1, ':').append(std::to_string(line));
  }
  return out;
}

TomlTableReader::TomlTableReader(const toml::table& table, Raise raise) : m_table(&table), m_raise(std::move(raise)) {}

const toml::node* TomlTableReader::find(std::string_view key) {
  if (m_known.emplace(key).second) {
    m_known_in_order.emplace_back(key);
  }
  return m_table->get(key);
}

void TomlTableReader::fail_at(const toml::node* at, std::string_view key, const std::string& message) const {
  m_raise(at, key, message);
  throw std::logic_error("TomlTableReader: the owner's Raise returned");
}

void TomlTableReader::fail(std::string_view key, const std::string& message) const {
  fail_at(m_table->get(key), key, message);
}

void TomlTableReader::fail_type(std::string_view key, const toml::node& found, std::string_view expected) const {
  std::string message = "expected ";
  message.append(expected).append(", got ").append(toml_type_name(found));
  fail(key, message);
}

std::optional<std::string> TomlTableReader::string(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_string()) {
    fail_type(key, *node, "a string");
  }
  return node->value<std::string>();
}

std::optional<bool> TomlTableReader::boolean(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_boolean()) {
    fail_type(key, *node, "true or false");
  }
  return node->value<bool>();
}

std::optional<std::int64_t> TomlTableReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string expected = max == std::numeric_limits<std::int64_t>::max()
                                   ? "an integer of at least " + std::to_string(min)
                                   : "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node->is_integer()) {
    fail_type(key, *node, expected);
  }
  const std::int64_t value = *node->value<std::int64_t>();
  if (value < min || value > max) {
    fail(key, "expected " + expected + ", got " + std::to_string(value));
  }
  return value;
}

std::optional<double> TomlTableReader::number(std::string_view key, double min, double max) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string expected = "a number from " + format_number(min) + " to " + format_number(max);
  if (!node->is_integer() && !node->is_floating_point()) {
    fail_type(key, *node, expected);
  }
  const double value = *node->value<double>();
  if (!(value >= min && value <= max)) {  // also refuses nan
    fail(key, "expected " + expected + ", got " + format_number(value));
  }
  return value;
}

std::optional<std::chrono::milliseconds> TomlTableReader::duration(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  static constexpr std::string_view k_expected = "a duration such as \"500ms\", \"30s\", \"5m\", \"2h\" or \"1d\"";
  // Longer is a typo, and would overflow the clock arithmetic of timeouts and schedules.
  static constexpr std::uint64_t k_max_ms = 3650ULL * 24 * 3600 * 1000;
  const auto checked = [&](std::uint64_t number, std::uint64_t unit_ms, const std::string& got) {
    if (number > k_max_ms / unit_ms) {
      fail(key, "expected " + std::string(k_expected) + " of at most 3650d, got " + got);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(number * unit_ms));
  };
  if (node->is_integer()) {
    const std::int64_t seconds = *node->value<std::int64_t>();
    if (seconds < 0) {
      fail(key, "expected " + std::string(k_expected) + ", got a negative number");
    }
    return checked(static_cast<std::uint64_t>(seconds), 1000, std::to_string(seconds));
  }
  if (!node->is_string()) {
    fail_type(key, *node, k_expected);
  }
  const std::string text = *node->value<std::string>();
  std::uint64_t number = 0;
  std::string_view unit;
  if (split_number_unit(text, number, unit)) {
    const std::string got = "\"" + text + "\"";
    if (unit == "ms") {
      return checked(number, 1, got);
    }
    if (unit == "s" || unit.empty()) {
      return checked(number, 1000, got);
    }
    if (unit == "m") {
      return checked(number, 60 * 1000, got);
    }
    if (unit == "h") {
      return checked(number, 3600 * 1000, got);
    }
    if (unit == "d") {
      return checked(number, 24 * 3600 * 1000, got);
    }
  }
  fail(key, "expected " + std::string(k_expected) + ", got \"" + text + "\"");
}

std::vector<std::string> TomlTableReader::keys() {
  std::vector<std::string> out;
  for (const auto& [key, value] : *m_table) {
    find(key.str());
    out.emplace_back(key.str());
  }
  return out;
}

std::optional<TomlTableReader::UnknownKey> TomlTableReader::unknown_key() const {
  for (const auto& [key, node] : *m_table) {
    if (m_known.find(key.str()) == m_known.end()) {
      const auto line = key.source().begin.line != 0 ? key.source().begin.line : node.source().begin.line;
      return UnknownKey{std::string(key.str()), &node, static_cast<std::size_t>(line)};
    }
  }
  return std::nullopt;
}

}  // namespace nbsync
