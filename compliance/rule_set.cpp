#include "compliance/rule_set.hpp"

#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "compliance/detail/rule_reader.hpp"
#include "types/toml_type_name.hpp"

namespace nbsync::compliance {
namespace {

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("OpenSSL EVP_Digest(sha256) failed");
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(k_hex[digest[i] >> 4]);
    out.push_back(k_hex[digest[i] & 0x0f]);
  }
  return out;
}

bool valid_name(std::string_view name) {
  if (name.empty()) {
    return false;
  }
  for (const char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string quoted_label(std::string_view name) {
  std::string label = "rule \"";
  return label.append(name).append("\"");
}

Rule read_rule(const toml::table& table, const std::string& origin, std::size_t index) {
  detail::RuleReader reader(table, origin, std::string("rule #").append(std::to_string(index + 1)));
  Rule rule;
  rule.source_line = reader.line();

  const auto name = reader.string("name");
  if (!name) {
    reader.fail_at(nullptr, "has no name: add name = \"...\" (letters, digits, '_', '.', '-')");
  }
  if (!valid_name(*name)) {
    reader.fail("name", std::string("\"").append(*name).append(
                            "\" is not a usable rule name: use only letters, digits, '_', '.' and '-'"));
  }
  rule.name = *name;
  reader.set_label(quoted_label(rule.name));

  rule.description = reader.string("description").value_or("");
  if (const auto severity = reader.string("severity")) {
    if (*severity == "error") {
      rule.severity = Severity::error;
    } else if (*severity == "warning") {
      rule.severity = Severity::warning;
    } else if (*severity == "info") {
      rule.severity = Severity::info;
    } else {
      reader.fail("severity",
                  std::string("expected \"error\", \"warning\" or \"info\", got \"").append(*severity).append("\""));
    }
  }
  rule.platforms = reader.string_list("platforms");
  rule.roles = reader.string_list("roles");
  rule.sites = reader.string_list("sites");
  rule.tags = reader.string_list("tags");
  rule.parent = reader.pattern("parent");
  if (const auto style = reader.string("section_style")) {
    if (*style == "auto") {
      rule.section_style = SectionStyle::automatic;
    } else if (*style == "indent") {
      rule.section_style = SectionStyle::indent;
    } else if (*style == "braces") {
      rule.section_style = SectionStyle::braces;
    } else {
      reader.fail("section_style",
                  std::string("expected \"auto\", \"indent\" or \"braces\", got \"").append(*style).append("\""));
    }
  }
  rule.require_parent = reader.boolean("require_parent").value_or(false);
  rule.must_match = reader.pattern_list("must_match");
  rule.must_not_match = reader.pattern_list("must_not_match");

  for (const toml::table* count_table : reader.array_of_tables("count")) {
    detail::RuleReader count_reader(*count_table, origin, quoted_label(rule.name), "count.");
    CountBound bound;
    bound.match = count_reader.pattern("match");
    bound.min = count_reader.integer("min", 0);
    bound.max = count_reader.integer("max", 0);
    count_reader.finish();
    if (bound.match.empty()) {
      count_reader.fail_at(nullptr, "[[rule.count]] has no match: add match = \"REGEX\" for the lines to count");
    }
    if (!bound.min && !bound.max) {
      count_reader.fail_at(nullptr, "[[rule.count]] has neither min nor max: add min = N, max = N or both");
    }
    if (bound.min && bound.max && *bound.min > *bound.max) {
      count_reader.fail("min", std::string("min (")
                                   .append(std::to_string(*bound.min))
                                   .append(") is greater than max (")
                                   .append(std::to_string(*bound.max))
                                   .append("): make min <= max"));
    }
    rule.counts.push_back(std::move(bound));
  }

  reader.finish();
  if (rule.require_parent && rule.parent.empty()) {
    reader.fail("require_parent", "is true but the rule has no parent: add parent = \"REGEX\" or remove it");
  }
  if (rule.must_match.empty() && rule.must_not_match.empty() && rule.counts.empty() && !rule.require_parent) {
    reader.fail_at(nullptr, "checks nothing: add must_match, must_not_match, [[rule.count]] or require_parent");
  }
  return rule;
}

}  // namespace

std::string_view severity_name(Severity severity) {
  switch (severity) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::info:
      return "info";
  }
  return "error";
}

RuleSet RuleSet::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw RulesError(file.string() + ": cannot read compliance rules: " + std::strerror(errno) +
                     ": check the path and its permissions");
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    throw RulesError(file.string() + ": cannot read compliance rules: " + std::strerror(errno));
  }
  return parse(text.str(), file.string());
}

RuleSet RuleSet::parse(std::string_view toml_text, std::string_view origin) {
  const std::string origin_name(origin);
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    std::string message = origin_name;
    if (e.source().begin.line > 0) {
      message.append(":").append(std::to_string(e.source().begin.line));
    }
    message.append(": not valid TOML: ").append(e.description()).append(": fix the syntax");
    throw RulesError(message);
  }

  RuleSet set;
  set.m_origin = origin_name;
  set.m_digest = sha256_hex(toml_text);
  for (const auto& [key, node] : root) {
    if (key.str() != "rule") {
      std::string message = toml_position(origin_name, node);
      message.append(": unknown key \"").append(key.str()).append("\": a rules file holds only [[rule]] tables");
      throw RulesError(message);
    }
  }
  const toml::node* rules = root.get("rule");
  if (rules == nullptr) {
    throw RulesError(origin_name + ": no rules: add at least one [[rule]] table (see compliance/README.md)");
  }
  const toml::array* array = rules->as_array();
  if (array == nullptr || !array->is_array_of_tables()) {
    std::string message = toml_position(origin_name, *rules);
    message.append(": rule: expected tables written as [[rule]], got ").append(toml_type_name(*rules));
    throw RulesError(message);
  }
  std::map<std::string, int, std::less<>> first_line;
  std::size_t index = 0;
  for (const toml::node& node : *array) {
    Rule rule = read_rule(*node.as_table(), origin_name, index++);
    const auto [it, inserted] = first_line.emplace(rule.name, rule.source_line);
    if (!inserted) {
      std::string message = origin_name;
      message.append(":").append(std::to_string(rule.source_line)).append(": ").append(quoted_label(rule.name));
      message.append(": the name is already used by the rule at line ").append(std::to_string(it->second));
      message.append(": give each rule its own name");
      throw RulesError(message);
    }
    set.m_rules.push_back(std::move(rule));
  }
  return set;
}

}  // namespace nbsync::compliance
