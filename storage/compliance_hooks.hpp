#pragma once
// How the writer asks for compliance results without knowing the rules: `evaluate` checks
// one device's config and returns a result per rule in scope. Results are stored per
// snapshot with `rules_digest`, so a config is evaluated once per rule set: when it is
// new, or when the rules changed. An empty `evaluate` turns compliance off.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/device_record.hpp"

namespace nbsync::storage {

struct ComplianceCheck {
  std::string rule;
  std::string severity;  // error, warning or info
  bool passed = true;
  std::vector<std::string> problems;  // short lines saying what failed; empty when passed
};

struct ComplianceHooks {
  std::string rules_digest;  // identifies the rule set (e.g. SHA-256 of the rules file)
  std::function<std::vector<ComplianceCheck>(const DeviceRecord& device, std::string_view config)> evaluate;
  // Compliance is on, but its rules could not be read for this run: nothing is checked
  // and every device keeps the verdict it had (instead of losing it, as when turned off).
  bool paused = false;
};

// A device's compliance as NetBox and `nbsync status` show it: "" (no rule applies),
// "pass", or "fail: rule-a, rule-b" (failed rules, sorted).
std::string compliance_summary(const std::vector<ComplianceCheck>& checks);

}  // namespace nbsync::storage
