#include "compliance/detail/rule_reader.hpp"

#include <stdexcept>

#include "compliance/rule_set.hpp"
#include "types/toml_type_name.hpp"

namespace nbsync::compliance::detail {

std::string source_position(std::string_view origin, const toml::node& node) {
  std::string out(origin);
  const auto line = node.source().begin.line;
  if (line > 0) {
    out.append(1, ':').append(std::to_string(line));
  }
  return out;
}

RuleReader::RuleReader(const toml::table& table, std::string origin, std::string label, std::string key_prefix)
    : m_table(&table), m_origin(std::move(origin)), m_label(std::move(label)), m_key_prefix(std::move(key_prefix)) {}

int RuleReader::line() const {
  return static_cast<int>(m_table->source().begin.line);
}

void RuleReader::fail_at(const toml::node* node, const std::string& message) const {
  std::string out = source_position(m_origin, node != nullptr ? *node : *m_table);
  out.append(": ").append(m_label).append(": ").append(message);
  throw RulesError(out);
}

void RuleReader::fail(std::string_view key, const std::string& message) const {
  std::string text = m_key_prefix;
  text.append(key).append(": ").append(message);
  fail_at(m_table->get(key), text);
}

void RuleReader::fail_type(std::string_view key, const toml::node& node, std::string_view expected) const {
  std::string message = "expected ";
  message.append(expected).append(", got ").append(toml_type_name(node));
  fail(key, message);
}

const toml::node* RuleReader::find(std::string_view key) {
  if (m_known.emplace(key).second) {
    m_known_in_order.emplace_back(key);
  }
  return m_table->get(key);
}

std::optional<std::string> RuleReader::string(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_string()) {
    fail_type(key, *node, "a string");
  }
  return node->value<std::string>();
}

std::optional<bool> RuleReader::boolean(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (!node->is_boolean()) {
    fail_type(key, *node, "true or false");
  }
  return node->value<bool>();
}

std::optional<std::int64_t> RuleReader::integer(std::string_view key, std::int64_t min) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const std::string expected = std::string("an integer of at least ").append(std::to_string(min));
  if (!node->is_integer()) {
    fail_type(key, *node, expected);
  }
  const std::int64_t value = *node->value<std::int64_t>();
  if (value < min) {
    fail(key, std::string("expected ").append(expected).append(", got ").append(std::to_string(value)));
  }
  return value;
}

std::vector<std::string> RuleReader::string_list(std::string_view key) {
  const toml::node* node = find(key);
  std::vector<std::string> out;
  if (node == nullptr) {
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    fail_type(key, *node, "an array of strings such as [\"a\", \"b\"]");
  }
  for (const toml::node& item : *array) {
    if (!item.is_string()) {
      std::string message = m_key_prefix;
      message.append(key).append(": expected an array of strings, got ").append(toml_type_name(item));
      message.append(" in it: quote every entry");
      fail_at(&item, message);
    }
    out.push_back(*item.value<std::string>());
  }
  return out;
}

Pattern RuleReader::compile(const toml::node& node, const std::string& where) const {
  const std::string source = *node.value<std::string>();
  if (source.empty()) {
    std::string message = m_key_prefix;
    message.append(where).append(": an empty regular expression matches every line: write what the line must contain");
    fail_at(&node, message);
  }
  try {
    return Pattern::compile(source);
  } catch (const std::invalid_argument& e) {
    std::string message = m_key_prefix;
    message.append(where).append(": ").append(e.what()).append(": fix the regular expression (PCRE2 syntax)");
    fail_at(&node, message);
  }
}

Pattern RuleReader::pattern(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return {};
  }
  if (!node->is_string()) {
    fail_type(key, *node, "a regular expression in a string");
  }
  return compile(*node, std::string(key));
}

std::vector<Pattern> RuleReader::pattern_list(std::string_view key) {
  const toml::node* node = find(key);
  std::vector<Pattern> out;
  if (node == nullptr) {
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    fail_type(key, *node, "an array of regular expressions such as [\"^ntp server \"]");
  }
  std::size_t index = 0;
  for (const toml::node& item : *array) {
    const std::string where = std::string(key).append("[").append(std::to_string(index++)).append("]");
    if (!item.is_string()) {
      std::string message = m_key_prefix;
      message.append(where).append(": expected a regular expression in a string, got ").append(toml_type_name(item));
      fail_at(&item, message);
    }
    out.push_back(compile(item, where));
  }
  return out;
}

std::vector<const toml::table*> RuleReader::array_of_tables(std::string_view key) {
  const toml::node* node = find(key);
  std::vector<const toml::table*> out;
  if (node == nullptr) {
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    std::string expected = "tables written as [[rule.";
    fail_type(key, *node, expected.append(key).append("]]"));
  }
  for (const toml::node& item : *array) {
    const toml::table* table = item.as_table();
    if (table == nullptr) {
      std::string message = m_key_prefix;
      message.append(key).append(": expected tables written as [[rule.").append(key).append("]], got ");
      message.append(toml_type_name(item));
      fail_at(&item, message);
    }
    out.push_back(table);
  }
  return out;
}

void RuleReader::finish() const {
  for (const auto& [key, node] : *m_table) {
    if (m_known.count(key.str()) == 0) {
      std::string message = "unknown key \"";
      message.append(m_key_prefix).append(key.str()).append("\": use one of ");
      for (std::size_t i = 0; i < m_known_in_order.size(); ++i) {
        message.append(i == 0 ? "" : ", ").append(m_known_in_order[i]);
      }
      fail_at(&node, message);
    }
  }
}

}  // namespace nbsync::compliance::detail
