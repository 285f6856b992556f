#pragma once
// How `nbsync compliance` shows results: a text report (a table per failing device, then
// a table per rule), JSON, and a JUnit XML file for CI. Rules appear in the rules file's
// order when the RuleSet is given, else in the order results first name them; devices in
// the order given. Problem lines are already safe to print (see compliance/evaluator.hpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compliance/evaluator.hpp"
#include "compliance/rule_set.hpp"

namespace nbsync::commands {

struct DeviceCompliance {
  std::string device;
  std::vector<compliance::RuleResult> results;  // the rules in the device's scope
  std::optional<std::int64_t> failing_since;    // unix seconds, when the device first failed a rule
};

struct RuleTotals {
  std::string rule;
  compliance::Severity severity = compliance::Severity::error;
  std::size_t checked = 0;  // devices the rule applied to
  std::size_t failed = 0;
};

// One entry per rule: every rule of `rules` when given (also those no device was in scope
// of), else every rule some result names.
std::vector<RuleTotals> rule_totals(const std::vector<DeviceCompliance>& devices,
                                    const compliance::RuleSet* rules = nullptr);

// Only devices failing a rule get a table unless `verbose`; the per-rule table and a
// closing summary line always follow.
std::string compliance_text(const std::vector<DeviceCompliance>& devices, bool verbose,
                            const compliance::RuleSet* rules = nullptr);
// {"summary": {...}, "devices": [...], "rules": [...]}; with `rules`, also its file and digest.
nlohmann::json compliance_json(const std::vector<DeviceCompliance>& devices,
                               const compliance::RuleSet* rules = nullptr);
// <testsuites>: one <testsuite> per rule, one <testcase> per device it applied to.
std::string compliance_junit(const std::vector<DeviceCompliance>& devices, const compliance::RuleSet* rules = nullptr);
// Writes compliance_junit() to `file` (through a temporary file and a rename). Throws
// std::runtime_error naming the file when it cannot be written.
void write_compliance_junit(const std::filesystem::path& file, const std::vector<DeviceCompliance>& devices,
                            const compliance::RuleSet* rules = nullptr);

}  // namespace nbsync::commands
