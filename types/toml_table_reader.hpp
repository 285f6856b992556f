#pragma once
// Typed, checked access to one TOML table, shared by the config reader and the compliance
// rules reader. Every getter records its key as known, so unknown_key() can name a key no
// getter asked for (a typo). Problems go to the owner's `Raise`, which throws the owner's
// error with its file, line and key: a wrong type says what was expected and what was found.
#include <toml++/toml.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nbsync {

class TomlTableReader {
public:
  // Throws the owner's error for `key` (empty: the message names it) at `at` (null: the
  // table itself). It must not return.
  using Raise = std::function<void(const toml::node* at, std::string_view key, const std::string& message)>;

  TomlTableReader(const toml::table& table, Raise raise);

  const toml::table& table() const { return *m_table; }
  // The key's value, or null; the key is known from now on.
  const toml::node* find(std::string_view key);

  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min,
                                      std::int64_t max = std::numeric_limits<std::int64_t>::max());
  // An integer or a float, from `min` to `max` (a rate such as 2.5 logins a second).
  std::optional<double> number(std::string_view key, double min, double max);
  // "500ms", "30s", "5m", "2h", "1d", or an integer of seconds; at most 3650 days.
  std::optional<std::chrono::milliseconds> duration(std::string_view key);
  // Every key of the table, each known from now on (free-form maps).
  std::vector<std::string> keys();

  // The first key of the table no getter asked for, and its value's node; nullopt if none.
  struct UnknownKey {
    std::string key;
    const toml::node* node;  // its value
    std::size_t line;        // the key's line (the value's when toml++ has none for the key)
  };
  std::optional<UnknownKey> unknown_key() const;
  // The keys asked for, in the order they were first asked for.
  const std::vector<std::string>& known_keys() const { return m_known_in_order; }

  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_at(const toml::node* at, std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_type(std::string_view key, const toml::node& found, std::string_view expected) const;

private:
  const toml::table* m_table;
  Raise m_raise;
  std::set<std::string, std::less<>> m_known;
  std::vector<std::string> m_known_in_order;
};

// Splits "30s" or "8 MiB" into its number and unit (blanks between them skipped); false when
// the text does not start with a number.
bool split_number_unit(std::string_view text, std::uint64_t& number, std::string_view& unit);

// "FILE:LINE" for a node (just FILE when toml++ has no position for it).
std::string toml_position(std::string_view file, const toml::node& node);

}  // namespace nbsync
