// A compliance rules file (TOML, edited by people) through RuleSet::parse, then every
// parsed rule set evaluated against a small IOS config, a small Junos config and the
// input's own text as a config. Invariants: it parses or throws RulesError (nothing else);
// evaluate gives one result per rule in scope, in order, and a rule fails exactly when it
// says why, with at most k_max_problems problem lines plus "and N more".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "compliance/evaluator.hpp"
#include "compliance/rule_set.hpp"

namespace {

using namespace nbsync::compliance;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

constexpr std::string_view k_ios =
    "hostname r1\n!\nntp server 192.0.2.1\nntp server 192.0.2.2\nline vty 0 4\n transport input ssh\n"
    "line vty 5 15\n transport input telnet ssh\n!\nend\n";
constexpr std::string_view k_junos =
    "system {\n    host-name r2;\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    ge-0/0/0 {\n"
    "        unit 0;\n    }\n}\n";

void evaluate_checked(const RuleSet& rules, const DeviceFacts& device, std::string_view config) {
  const auto results = evaluate(rules, device, config);
  std::size_t next = 0;
  for (const auto& rule : rules.rules()) {
    if (!in_scope(rule, device)) {
      continue;
    }
    check(next < results.size() && results[next].rule == rule.name, "results out of step with the rules in scope");
    const auto& result = results[next++];
    check(result.passed == result.problems.empty(), "a rule's verdict disagrees with its problems");
    check(result.problems.size() <= k_max_problems + 1, "too many problem lines");
  }
  check(next == results.size(), "more results than rules in scope");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  RuleSet rules;
  try {
    rules = RuleSet::parse(text, "fuzz/rules.toml");
  } catch (const RulesError&) {
    return 0;
  }
  check(!rules.rules().empty(), "a rule set without rules");
  check(rules.digest().size() == 64, "the digest is not SHA-256 hex");
  // A device in the first rule's scope, and one with no facts at all.
  const Rule& first = rules.rules().front();
  DeviceFacts device{first.platforms.empty() ? "cisco-ios" : first.platforms.front(),
                     first.roles.empty() ? "" : first.roles.front(), first.sites.empty() ? "" : first.sites.front(),
                     first.tags};
  check(in_scope(first, device), "the first rule is not in scope of a device built from its scope");
  for (const std::string_view config : {k_ios, k_junos, text}) {
    evaluate_checked(rules, device, config);
    evaluate_checked(rules, DeviceFacts{}, config);
  }
  return 0;
}
