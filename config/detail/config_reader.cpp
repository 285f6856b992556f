#include "config/detail/config_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/config.hpp"
#include "config/detail/secret_file.hpp"
#include "types/listen_address.hpp"

namespace nbsync::detail {
namespace {

std::string position(const std::filesystem::path& file, const toml::node* node, const toml::table& table) {
  return toml_position(file.string(), node != nullptr ? *node : table);
}

}  // namespace

ConfigReader::ConfigReader(const toml::table& table, std::filesystem::path file, std::string prefix)
    : m_file(std::move(file)),
      m_prefix(std::move(prefix)),
      m_values(table, [origin = m_file, key_prefix = m_prefix, &table](const toml::node* at, std::string_view key,
                                                                       const std::string& message) {
        throw ConfigError(position(origin, at, table) + ": " + key_prefix + std::string(key) + ": " + message);
      }) {}

std::string ConfigReader::where(const toml::node* node) const {
  return position(m_file, node, m_values.table());
}

void ConfigReader::fail(std::string_view key, const std::string& message) const {
  m_values.fail(key, message);
}

void ConfigReader::fail_table(const std::string& message) const {
  std::string name = m_prefix.empty() ? "(top level)" : m_prefix.substr(0, m_prefix.size() - 1);
  throw ConfigError(where(nullptr) + ": " + name + ": " + message);
}

std::optional<std::string> ConfigReader::string(std::string_view key) {
  return m_values.string(key);
}

std::optional<std::int64_t> ConfigReader::integer(std::string_view key, std::int64_t min, std::int64_t max) {
  return m_values.integer(key, min, max);
}

std::optional<bool> ConfigReader::boolean(std::string_view key) {
  return m_values.boolean(key);
}

std::optional<double> ConfigReader::number(std::string_view key, double min, double max) {
  return m_values.number(key, min, max);
}

std::optional<std::chrono::milliseconds> ConfigReader::duration(std::string_view key) {
  return m_values.duration(key);
}

std::optional<std::uint64_t> ConfigReader::byte_size(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  static constexpr std::string_view k_expected = "a size such as \"512KiB\", \"8MiB\" or a number of bytes";
  if (node->is_integer()) {
    const std::int64_t bytes = *node->value<std::int64_t>();
    if (bytes <= 0) {
      fail(key, "expected " + std::string(k_expected) + ", got " + std::to_string(bytes));
    }
    return static_cast<std::uint64_t>(bytes);
  }
  if (!node->is_string()) {
    m_values.fail_type(key, *node, k_expected);
  }
  const std::string text = *node->value<std::string>();
  std::uint64_t number = 0;
  std::string_view unit;
  if (split_number_unit(text, number, unit) && number > 0) {
    int shift = -1;
    if (unit.empty() || unit == "B") {
      shift = 0;
    }
    if (unit == "KiB" || unit == "K") {
      shift = 10;
    }
    if (unit == "MiB" || unit == "M") {
      shift = 20;
    }
    if (unit == "GiB" || unit == "G") {
      shift = 30;
    }
    if (shift >= 0 && number > (UINT64_MAX >> shift)) {
      fail(key,
           "expected " + std::string(k_expected) + ", got \"" + text + "\", more bytes than a 64-bit number holds");
    }
    if (shift >= 0) {
      return number << shift;
    }
  }
  fail(key, "expected " + std::string(k_expected) + ", got \"" + text + "\"");
}

std::optional<std::vector<std::string>> ConfigReader::string_list(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  if (node->is_string()) {
    return std::vector<std::string>{*node->value<std::string>()};
  }
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    m_values.fail_type(key, *node, "a string or an array of strings");
  }
  std::vector<std::string> out;
  for (const toml::node& item : *array) {
    if (!item.is_string()) {
      m_values.fail_type(key, item, "an array of strings");
    }
    out.push_back(*item.value<std::string>());
  }
  return out;
}

std::optional<std::string> ConfigReader::listen_address(std::string_view key) {
  auto listen = string(key);
  if (listen && !listen->empty()) {
    try {
      parse_listen_address(*listen);
    } catch (const std::invalid_argument& e) {
      fail(key, e.what());
    }
  }
  return listen;
}

std::optional<std::filesystem::path> ConfigReader::path(std::string_view key) {
  auto text = string(key);
  if (!text) {
    return std::nullopt;
  }
  if (text->empty()) {
    fail(key, "expected a file path, got an empty string");
  }
  std::filesystem::path p(*text);
  if (p.is_relative()) {
    p = m_file.parent_path() / p;
  }
  return p.lexically_normal();
}

Secret ConfigReader::secret_from_file(std::string_view key, const std::filesystem::path& file,
                                      const std::string& origin) {
  std::string problem;
  std::optional<std::string> value = read_required_secret_file(file, problem);
  if (!value) {
    fail(key, problem);
  }
  return Secret(std::move(*value), origin);
}

std::optional<Secret> ConfigReader::secret(std::string_view key) {
  const std::string file_key = std::string(key) + "_file";
  const auto inline_value = string(key);
  const auto file = path(file_key);
  if (inline_value && file) {
    fail(key, "set either " + std::string(key) + " = \"env:NAME\" or " + file_key + ", not both");
  }
  if (inline_value && inline_value->starts_with("credential:") && inline_value->size() > 11) {
    // systemd's LoadCredential= puts the file in $CREDENTIALS_DIRECTORY.
    const std::string name = inline_value->substr(11);
    const char* directory = std::getenv("CREDENTIALS_DIRECTORY");
    if (directory == nullptr || *directory == '\0') {
      fail(key, "credential:" + name +
                    " needs $CREDENTIALS_DIRECTORY, which systemd sets for a unit with LoadCredential=" + name +
                    ":/path; outside systemd use " + file_key + " = \"/path/to/file\"");
    }
    return secret_from_file(key, std::filesystem::path(directory) / name, "credential " + name);
  }
  if (inline_value) {
    if (!inline_value->starts_with("env:") || inline_value->size() == 4) {
      // Never echo the value: it is probably the secret itself.
      fail(key, "inline secrets are not accepted; use " + file_key + " = \"/path/to/file\", " + std::string(key) +
                    " = \"env:VARIABLE\" or " + std::string(key) + " = \"credential:NAME\" (systemd LoadCredential)");
    }
    const std::string variable = inline_value->substr(4);
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr || *value == '\0') {
      fail(key, "environment variable " + variable + " is not set or empty");
    }
    return Secret(value, "env " + variable);
  }
  if (file) {
    return secret_from_file(file_key, *file, "file " + file->string());
  }
  return std::nullopt;
}

std::optional<ConfigReader> ConfigReader::table(std::string_view key) {
  const toml::node* node = find(key);
  if (node == nullptr) {
    return std::nullopt;
  }
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    m_values.fail_type(key, *node, "a table");
  }
  return ConfigReader(*table, m_file, m_prefix + std::string(key) + ".");
}

std::vector<ConfigReader> ConfigReader::array_of_tables(std::string_view key) {
  const toml::node* node = find(key);
  std::vector<ConfigReader> out;
  if (node == nullptr) {
    return out;
  }
  const toml::array* array = node->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    m_values.fail_type(key, *node, "an array of tables ([[" + m_prefix + std::string(key) + "]])");
  }
  std::size_t index = 0;
  for (const toml::node& item : *array) {
    out.emplace_back(*item.as_table(), m_file, m_prefix + std::string(key) + "[" + std::to_string(index++) + "].");
  }
  return out;
}

std::vector<std::string> ConfigReader::keys() {
  return m_values.keys();
}

void ConfigReader::finish() const {
  const auto unknown = m_values.unknown_key();
  if (!unknown) {
    return;
  }
  std::vector<std::string> known = m_values.known_keys();
  std::sort(known.begin(), known.end());
  std::string list;
  for (const auto& k : known) {
    list += (list.empty() ? "" : ", ") + k;
  }
  throw ConfigError(m_file.string() + ":" + std::to_string(unknown->line) + ": " + m_prefix + unknown->key +
                    ": unknown key (expected one of: " + list + ")");
}

}  // namespace nbsync::detail
