#include "storage/detail/compliance_verdicts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace nbsync::storage::detail {

std::string verdicts_text(const std::vector<ComplianceCheck>& checks) {
  std::vector<const ComplianceCheck*> by_rule;
  for (const auto& check : checks) {
    by_rule.push_back(&check);
  }
  std::sort(by_rule.begin(), by_rule.end(), [](const auto* a, const auto* b) { return a->rule < b->rule; });
  nlohmann::json verdicts = nlohmann::json::array();
  for (const auto* check : by_rule) {
    verdicts.push_back({check->rule, check->severity, check->passed ? 1 : 0});
  }
  return verdicts.dump();
}

std::vector<ComplianceCheck> parse_verdicts(const std::string& text) {
  std::vector<ComplianceCheck> checks;
  const auto verdicts = nlohmann::json::parse(text, nullptr, false);
  if (!verdicts.is_array()) {
    return checks;
  }
  for (const auto& verdict : verdicts) {
    if (verdict.is_array() && verdict.size() == 3 && verdict[0].is_string() && verdict[1].is_string() &&
        verdict[2].is_number_integer()) {
      checks.push_back({verdict[0].get<std::string>(), verdict[1].get<std::string>(), verdict[2].get<int>() != 0, {}});
    }
  }
  return checks;
}

}  // namespace nbsync::storage::detail
