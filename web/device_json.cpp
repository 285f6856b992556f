#include "web/device_json.hpp"

#include "web/utc_time.hpp"

namespace nbsync::web {
namespace {

nlohmann::json optional_time(const std::optional<std::int64_t>& at) {
  return at ? nlohmann::json(iso_time(*at)) : nlohmann::json(nullptr);
}

// A version's compliance results, when it was checked.
std::optional<nlohmann::json> checks_of(const DeviceDetails& details, std::int64_t snapshot_id) {
  const auto found = details.compliance.find(snapshot_id);
  if (found == details.compliance.end()) {
    return std::nullopt;
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const auto& check : found->second) {
    checks.push_back(
        {{"rule", check.rule}, {"severity", check.severity}, {"passed", check.passed}, {"problems", check.problems}});
  }
  return checks;
}

nlohmann::json drift_json(const storage::StoredDrift& drift) {
  return {{"status", drift.verdict.status},
          {"missing", drift.verdict.missing},
          {"extra", drift.verdict.extra},
          {"checked_at", iso_time(drift.checked_at)},
          {"lines", nlohmann::json::parse(drift.verdict.lines, nullptr, false)}};
}

}  // namespace

nlohmann::json device_json(const storage::DeviceStatus& device) {
  return {{"id", device.device.id},
          {"name", device.device.name},
          {"site", device.device.site},
          {"platform", device.platform},
          {"retired", device.device.retired},
          {"outcome", device.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(device.outcome)},
          {"message", device.message},
          {"failing_since", optional_time(device.failing_since)},
          {"last_success_at", optional_time(device.last_success_at)},
          {"last_change_at", optional_time(device.last_change_at)}};
}

nlohmann::json version_json(const storage::ConfigVersion& version) {
  return {{"version", version.number},          {"taken_at", iso_time(version.taken_at)},
          {"taken_at_unix", version.taken_at},  {"size", version.size},
          {"sha256", version.sha256},           {"line_count", version.line_count},
          {"lines_added", version.lines_added}, {"lines_removed", version.lines_removed}};
}

nlohmann::json versions_json(const std::vector<storage::ConfigVersion>& versions, const DeviceDetails* details) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& version : versions) {
    nlohmann::json entry = version_json(version);
    const auto found = details == nullptr ? std::nullopt : checks_of(*details, version.snapshot_id);
    if (found) {
      entry["compliance"] = *found;
    }
    if (details != nullptr) {
      if (const auto drift = details->drift.find(version.snapshot_id); drift != details->drift.end()) {
        entry["drift"] = drift_json(drift->second);
      }
    }
    list.push_back(std::move(entry));
  }
  return list;
}

nlohmann::json host_keys_json(const storage::HostKeyState& keys) {
  const auto sighting = [](const std::optional<storage::HostKeySighting>& seen) {
    if (!seen) {
      return nlohmann::json(nullptr);
    }
    return nlohmann::json{{"type", seen->key.type},
                          {"fingerprint", seen->key.fingerprint},
                          {"first_seen", iso_time(seen->first_seen)},
                          {"last_seen", iso_time(seen->last_seen)}};
  };
  return {{"trusted", sighting(keys.trusted)}, {"pending_change", sighting(keys.pending)}};
}

nlohmann::json diff_json(const storage::ConfigDiff& diff) {
  return {{"from", version_json(diff.from)},
          {"to", version_json(diff.to)},
          {"lines_added", diff.lines_added},
          {"lines_removed", diff.lines_removed},
          {"diff", diff.text}};
}

}  // namespace nbsync::web
