#pragma once
// Typed, checked access to one table of the config file: the shared TomlTableReader plus
// what only a config has (durations, sizes, paths, secrets, nested tables). finish()
// rejects any key nobody asked for. Errors are ConfigError "file:line: dotted.key: ...".
#include <toml++/toml.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/secret.hpp"
#include "types/toml_table_reader.hpp"

namespace nbsync::detail {

class ConfigReader {
public:
  ConfigReader(const toml::table& table, std::filesystem::path file, std::string prefix);

  std::optional<std::string> string(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min, std::int64_t max);
  std::optional<bool> boolean(std::string_view key);
  // An integer or a float, from `min` to `max`.
  std::optional<double> number(std::string_view key, double min, double max);
  // "500ms", "30s", "5m", "2h", "1d", or an integer number of seconds.
  std::optional<std::chrono::milliseconds> duration(std::string_view key);
  // "10MiB", "512KiB", "1GiB", or an integer number of bytes.
  std::optional<std::uint64_t> byte_size(std::string_view key);
  // A string or an array of strings.
  std::optional<std::vector<std::string>> string_list(std::string_view key);
  // A HOST:PORT to listen on, checked as nbsync will parse it; "" (off) is kept as is.
  std::optional<std::string> listen_address(std::string_view key);
  // A path, made absolute against the config file's directory.
  std::optional<std::filesystem::path> path(std::string_view key);
  // `key = "env:NAME"`, `key = "credential:NAME"` (a systemd credential) or
  // `key_file = "path"`; any other inline value is refused without being echoed.
  std::optional<Secret> secret(std::string_view key);
  std::optional<ConfigReader> table(std::string_view key);
  std::vector<ConfigReader> array_of_tables(std::string_view key);
  // Every key of this table, for free-form maps (each one is then known).
  std::vector<std::string> keys();

  // Throws ConfigError for the first key no getter asked for.
  void finish() const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_table(const std::string& message) const;

private:
  const toml::node* find(std::string_view key) { return m_values.find(key); }
  std::string where(const toml::node* node) const;
  Secret secret_from_file(std::string_view key, const std::filesystem::path& file, const std::string& origin);

  std::filesystem::path m_file;
  std::string m_prefix;  // "netbox." for keys of [netbox]
  TomlTableReader m_values;
};

}  // namespace nbsync::detail
