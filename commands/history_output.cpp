#include "commands/history_output.hpp"

#include "commands/time_argument.hpp"

namespace nbsync::commands {

nlohmann::json device_json(const storage::DeviceMatch& device) {
  return {{"id", device.id}, {"name", device.name}, {"site", device.site}, {"retired", device.retired}};
}

nlohmann::json version_json(const storage::ConfigVersion& version) {
  return {{"version", version.number},
          {"snapshot_id", version.snapshot_id},
          {"taken_at", format_utc(version.taken_at)},
          {"taken_at_unix", version.taken_at},
          {"size", version.size},
          {"sha256", version.sha256},
          {"line_count", version.line_count},
          {"lines_added", version.lines_added},
          {"lines_removed", version.lines_removed}};
}

std::string device_label(const storage::DeviceMatch& device) {
  std::string label = device.name;
  label.append(" (id ").append(std::to_string(device.id));
  if (!device.site.empty()) {
    label.append(", site ").append(device.site);
  }
  if (device.retired) {
    label.append(", retired");
  }
  return label.append(")");
}

std::string short_hash(const std::string& sha256) {
  return sha256.substr(0, 12);
}

std::string signed_count(char sign, std::int64_t count) {
  std::string out(1, sign);
  return out.append(std::to_string(count));
}

}  // namespace nbsync::commands
