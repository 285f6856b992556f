#pragma once
// Typed, checked access to one TOML table of a rules file. Every getter records its key as
// known; finish() rejects any other key. Errors throw RulesError as
// `FILE:LINE: LABEL: KEY: what is wrong and what to do`, LINE being the offending value's.
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "types/pattern.hpp"

namespace nbsync::compliance::detail {

class RuleReader {
public:
  // `label` names the table in messages (`rule "vty-ssh-only"`); `key_prefix` goes before
  // each key (`count.` for the tables of [[rule.count]]).
  RuleReader(const toml::table& table, std::string origin, std::string label, std::string key_prefix = {});

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
  const toml::node* find(std::string_view key);
  [[noreturn]] void fail_type(std::string_view key, const toml::node& node, std::string_view expected) const;
  Pattern compile(const toml::node& node, const std::string& where) const;

  const toml::table* m_table;
  std::string m_origin;
  std::string m_label;
  std::string m_key_prefix;
  std::set<std::string, std::less<>> m_known;
  std::vector<std::string> m_known_in_order;
};

// "FILE:LINE" for a node (just FILE when toml++ has no position for it).
std::string source_position(std::string_view origin, const toml::node& node);

}  // namespace nbsync::compliance::detail
