#include "storage/answer_json.hpp"

#include <ctime>

namespace nbsync::storage {
namespace {

std::string iso_utc(std::int64_t unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  return std::string(text, std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm));
}

}  // namespace

nlohmann::json device_changes_json(const DeviceChanges& changes) {
  return {{"id", changes.device_id},
          {"name", changes.name},
          {"site", changes.site},
          {"platform", changes.platform},
          {"role", changes.role},
          {"versions", changes.versions},
          {"lines_added", changes.lines_added},
          {"lines_removed", changes.lines_removed},
          {"last_change_at", iso_utc(changes.last_change_at)},
          {"last_change_at_unix", changes.last_change_at}};
}

nlohmann::json failing_device_json(const FailingDevice& device) {
  return {{"id", device.device_id},
          {"name", device.name},
          {"site", device.site},
          {"outcome", device.outcome},
          {"message", device.message},
          {"failing_since", device.failing_since ? nlohmann::json(iso_utc(*device.failing_since)) : nullptr}};
}

}  // namespace nbsync::storage
