// `nbsync compliance [-r rules.toml] [filters] [--json] [--junit FILE] [--verbose]`: every
// device's latest config checked against the rules; "failing since" from the results the
// cycles stored. Exit 1 when a rule of severity error fails.
#include <iostream>

#include "commands/compliance_command.hpp"
#include "commands/compliance_output.hpp"
#include "commands/history_input.hpp"
#include "commands/input_error.hpp"
#include "compliance/evaluator.hpp"
#include "compliance/rule_set.hpp"
#include "storage/compliance_history.hpp"
#include "storage/config_search.hpp"
#include "types/device_label.hpp"

namespace nbsync::commands {
namespace {

compliance::RuleSet load_rules(const Config& config, const ComplianceOptions& options) {
  const std::filesystem::path file = options.rules.empty() ? config.compliance.rules : options.rules;
  if (file.empty()) {
    throw InputError("no compliance rules: pass -r rules.toml, or set compliance.rules in " + config.source.string() +
                     " (format: compliance/README.md)");
  }
  try {
    return compliance::RuleSet::load(file);
  } catch (const compliance::RulesError& e) {
    throw InputError(e.what());
  }
}

}  // namespace

int run_compliance(const Config& config, const ComplianceOptions& options) {
  const compliance::RuleSet rules = load_rules(config, options);
  const auto database = open_existing_database(config);
  storage::ConfigSearch configs(*database);

  std::vector<DeviceCompliance> devices;
  bool error_failed = false;
  configs.scan({}, {options.platform, options.site, options.role}, [&](const storage::LatestConfig& latest) {
    const auto& d = latest.device;
    DeviceCompliance device{device_label(d.name, d.id),
                            compliance::evaluate(rules, {d.platform, d.role, d.site, d.tags}, latest.text),
                            std::nullopt};
    for (const auto& result : device.results) {
      if (result.passed) {
        continue;
      }
      error_failed = error_failed || result.severity == compliance::Severity::error;
      const auto since = storage::compliance_failing_since(*database, d.id, result.rule);
      if (since && (!device.failing_since || *since < *device.failing_since)) {
        device.failing_since = since;
      }
    }
    if (!device.results.empty()) {
      devices.push_back(std::move(device));
    }
    return true;
  });

  if (!options.junit.empty()) {
    write_compliance_junit(options.junit, devices, &rules);
  }
  if (options.json) {
    std::cout << compliance_json(devices, &rules).dump(2) << "\n";
  } else {
    std::cout << compliance_text(devices, options.verbose, &rules);
  }
  return error_failed ? 1 : 0;
}

}  // namespace nbsync::commands
