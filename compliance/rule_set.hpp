#pragma once
// Compliance rules as engineers write them in TOML (see compliance/README.md): which devices
// a rule applies to, where in the config it looks, and what must or must not be there.
// A RuleSet is immutable once loaded; its regexes are compiled once and shared by threads.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "types/pattern.hpp"

namespace nbsync::compliance {

// A rules file that cannot be used. The message is one line:
// `FILE:LINE: rule "name": what is wrong and what to do`.
class RulesError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

enum class Severity { error, warning, info };
// "error", "warning", "info"
std::string_view severity_name(Severity severity);

// How the config is cut into sections when a rule has a `parent`.
enum class SectionStyle {
  automatic,  // braces when the config looks like Junos curly-brace text, else indent
  indent,     // IOS style: a header line and the following lines indented deeper
  braces,     // Junos style: `header {` up to its matching `}`
};

// `[[rule.count]]`: lines matching `match` must number from `min` to `max` (either optional).
struct CountBound {
  Pattern match;
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
};

struct Rule {
  std::string name;
  std::string description;
  Severity severity = Severity::error;
  // Scope: an empty list matches any device.
  std::vector<std::string> platforms;
  std::vector<std::string> roles;
  std::vector<std::string> sites;
  std::vector<std::string> tags;
  Pattern parent;  // empty(): the checks see the whole config
  SectionStyle section_style = SectionStyle::automatic;
  bool require_parent = false;
  std::vector<Pattern> must_match;
  std::vector<Pattern> must_not_match;
  std::vector<CountBound> counts;
  int source_line = 0;  // where `[[rule]]` starts in the rules file
};

class RuleSet {
public:
  // Reads and parses a rules file. Throws RulesError.
  static RuleSet load(const std::filesystem::path& file);
  // Parses rules text; `origin` names it in error messages (usually the file's path).
  static RuleSet parse(std::string_view toml_text, std::string_view origin);

  const std::vector<Rule>& rules() const { return m_rules; }
  // SHA-256 (hex) of the rules text: results stored with the same digest came from the same rules.
  std::string digest() const { return m_digest; }
  const std::string& origin() const { return m_origin; }

private:
  std::vector<Rule> m_rules;
  std::string m_digest;
  std::string m_origin;
};

}  // namespace nbsync::compliance
