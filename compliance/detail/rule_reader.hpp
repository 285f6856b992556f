#pragma once
// Typed, checked access to one TOML table of a rules file: the shared TomlTableReader plus
// regular expressions and [[rule.count]] tables. finish() rejects any key no getter asked for. Errors throw RulesError
// as `FILE:LINE: LABEL: KEY: what is wrong and what to do`, LINE being the offending value's.
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "types/pattern.hpp"
#include "types/toml_table_reader.hpp"

namespace nbsync::compliance::detail {

class RuleReader {
public:
  // `label` names the table in messages (`rule "vty-ssh-only"`); `key_prefix` goes before
  // each key (`count.` for the tables of [[rule.count]]).
  RuleReader(const toml::table& table, std::string origin, std::string label, std::string key_prefix = {});
  RuleReader(const RuleReader&) = delete;  // its TomlTableReader reports through `this`
  RuleReader& operator=(const RuleReader&) = delete;

  void set_label(std::string label) { m_label = std::move(label); }
  int line() const;

  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<std::int64_t> integer(std::string_view key, std::int64_t min);
  // An array of strings (an empty array is allowed).
  std::vector<std::string> string_list(std::string_view key);
  // A regular expression, compiled; an empty Pattern when the key is missing.
  Pattern pattern(std::string_view key);
  // An array of regular expressions, each compiled.
  std::vector<Pattern> pattern_list(std::string_view key);
  // An array of tables (`[[rule.count]]`), each as a node of the table.
  std::vector<const toml::table*> array_of_tables(std::string_view key);

  // Throws for the first key no getter asked for, listing the keys that are known.
  void finish() const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_at(const toml::node* node, const std::string& message) const;

private:
  const toml::node* find(std::string_view key) { return m_values.find(key); }
  Pattern compile(const toml::node& node, const std::string& where) const;

  std::string m_origin;
  std::string m_label;
  std::string m_key_prefix;
  TomlTableReader m_values;
};

}  // namespace nbsync::compliance::detail
