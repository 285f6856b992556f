#include "web/device_json.hpp"

#include "web/utc_time.hpp"

namespace nbsync::web {
namespace {

std::string iso_time(std::int64_t unix_seconds) {
  return utc_time(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

nlohmann::json optional_time(const std::optional<std::int64_t>& at) {
  return at ? nlohmann::json(iso_time(*at)) : nlohmann::json(nullptr);
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

nlohmann::json versions_json(const std::vector<storage::ConfigVersion>& versions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& version : versions) {
    list.push_back(version_json(version));
  }
  return list;
}

nlohmann::json diff_json(const storage::ConfigDiff& diff) {
  return {{"from", version_json(diff.from)},
          {"to", version_json(diff.to)},
          {"lines_added", diff.lines_added},
          {"lines_removed", diff.lines_removed},
          {"diff", diff.text}};
}

}  // namespace nbsync::web
