#include "compliance/detail/rule_reader.hpp"

#include <stdexcept>

#include "compliance/rule_set.hpp"
#include "types/toml_table_reader.hpp"
#include "types/toml_type_name.hpp"

namespace nbsync::compliance::detail {

RuleReader::RuleReader(const toml::table& table, std::string origin, std::string label, std::string key_prefix)
    : m_origin(std::move(origin)),
      m_label(std::move(label)),
      m_key_prefix(std::move(key_prefix)),
      m_values(table, [this](const toml::node* at, std::string_view key, const std::string& message) {
        fail_at(at, key.empty() ? message : m_key_prefix + std::string(key) + ": " + message);
      }) {}

int RuleReader::line() const {
  return static_cast<int>(m_values.table().source().begin.line);
}

void RuleReader::fail_at(const toml::node* node, const std::string& message) const {
  std::string out = toml_position(m_origin, node != nullptr ? *node : m_values.table());
  out.append(": ").append(m_label).append(": ").append(message);
  throw RulesError(out);
}

void RuleReader::fail(std::string_view key, const std::string& message) const {
  m_values.fail(key, message);
}

std::optional<std::string> RuleReader::string(std::string_view key) {
  return m_values.string(key);
}

std::optional<bool> RuleReader::boolean(std::string_view key) {
  return m_values.boolean(key);
}

std::optional<std::int64_t> RuleReader::integer(std::string_view key, std::int64_t min) {
  return m_values.integer(key, min);
}

std::vector<std::string> RuleReader::string_list(std::string_view key) {
  const toml::node* node = find(key);
  std::vector<std::string> out;
  if (node == nullptr) {
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    m_values.fail_type(key, *node, "an array of strings such as [\"a\", \"b\"]");
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
    m_values.fail_type(key, *node, "a regular expression in a string");
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
    m_values.fail_type(key, *node, "an array of regular expressions such as [\"^ntp server \"]");
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
    m_values.fail_type(key, *node, expected.append(key).append("]]"));
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
  const auto unknown = m_values.unknown_key();
  if (!unknown) {
    return;
  }
  std::string message = "unknown key \"";
  message.append(m_key_prefix).append(unknown->key).append("\": use one of ");
  const auto& known = m_values.known_keys();
  for (std::size_t i = 0; i < known.size(); ++i) {
    message.append(i == 0 ? "" : ", ").append(known[i]);
  }
  fail_at(unknown->node, message);
}

}  // namespace nbsync::compliance::detail
