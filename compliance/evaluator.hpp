#pragma once
// Checks one device's config against a RuleSet. The config is split into lines once; each
// rule in scope runs its precompiled patterns over the whole config or over each section
// its `parent` selects. Pure functions: safe to call from many threads on a shared RuleSet.
#include <string>
#include <string_view>
#include <vector>

#include "compliance/rule_set.hpp"

namespace nbsync::compliance {

// What the scope lists of a rule are matched against (NetBox slugs, as the Device has them).
struct DeviceFacts {
  std::string platform;
  std::string role;
  std::string site;
  std::vector<std::string> tags;
};

struct RuleResult {
  std::string rule;
  Severity severity = Severity::error;
  bool passed = true;
  // One short line each, at most k_max_problems of them plus "and N more".
  std::vector<std::string> problems;
};

inline constexpr std::size_t k_max_problems = 20;

// True when the device matches every non-empty scope list of the rule.
bool in_scope(const Rule& rule, const DeviceFacts& device);
// One result per rule in scope, in the rules' order. `config` is the normalized text.
std::vector<RuleResult> evaluate(const RuleSet& rules, const DeviceFacts& device, std::string_view config);

}  // namespace nbsync::compliance
