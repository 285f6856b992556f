#include "commands/drift_command.hpp"

#include <iostream>

#include "commands/history_input.hpp"
#include "commands/history_output.hpp"
#include "commands/input_error.hpp"
#include "commands/time_argument.hpp"
#include "storage/drift_store.hpp"

namespace nbsync::commands {
namespace {

using nlohmann::json;

std::string verdict_text(const storage::DriftVerdict& verdict) {
  if (verdict.status == "in_sync") {
    return "in sync";
  }
  if (verdict.status == "no_template") {
    return "no template";
  }
  return std::to_string(verdict.missing + verdict.extra) + " lines differ (" + std::to_string(verdict.missing) +
         " missing, " + std::to_string(verdict.extra) + " extra)";
}

json drift_json(const storage::StoredDrift& drift) {
  return {{"version", drift.version},
          {"taken_at", format_utc(drift.taken_at)},
          {"checked_at", format_utc(drift.checked_at)},
          {"checked_at_unix", drift.checked_at},
          {"status", drift.verdict.status},
          {"missing", drift.verdict.missing},
          {"extra", drift.verdict.extra},
          {"lines", json::parse(drift.verdict.lines, nullptr, false)}};
}

void print_text(const storage::DeviceMatch& device, const std::vector<storage::StoredDrift>& drifts) {
  std::cout << device_label(device) << "\n";
  for (const auto& drift : drifts) {
    std::cout << "  version " << drift.version << " (" << format_utc(drift.taken_at) << "), checked "
              << format_utc(drift.checked_at) << ": " << verdict_text(drift.verdict) << "\n";
  }
  const json lines = json::parse(drifts.front().verdict.lines, nullptr, false);
  if (!lines.is_array() || lines.empty()) {
    return;
  }
  std::cout << "\nversion " << drifts.front().version << " versus the intended config:\n";
  for (const auto& line : lines) {
    const std::string section = line.value("section", "");
    std::cout << (line.value("kind", "") == "missing" ? "- missing " : "+ extra   ")
              << (section.empty() ? "" : "[" + section + "] ") << line.value("line", "") << "\n";
  }
}

}  // namespace

int run_drift(const Config& config, const DriftOptions& options) {
  const auto database = open_existing_database(config);
  const storage::DeviceMatch device = resolve_device(*database, options.device);
  const auto drifts = storage::DriftStore(*database).history(device.id);
  if (options.json) {
    json versions = json::array();
    for (const auto& drift : drifts) {
      versions.push_back(drift_json(drift));
    }
    std::cout << json{{"device", device_json(device)}, {"drift", versions}}.dump(2) << "\n";
    return 0;
  }
  if (drifts.empty()) {
    throw InputError(device_label(device) +
                     " has no drift check yet: nbsync checks it after a backup when NetBox has its config template");
  }
  print_text(device, drifts);
  return 0;
}

}  // namespace nbsync::commands
