// `nbsync show DEVICE [--version N | --at TIME]`: one stored config, as it was stored.
#include <iostream>

#include "commands/history_commands.hpp"
#include "commands/history_input.hpp"
#include "commands/history_output.hpp"
#include "commands/input_error.hpp"
#include "commands/time_argument.hpp"
#include "storage/config_history.hpp"

namespace nbsync::commands {

int run_show(const Config& config, const ShowOptions& options) {
  const auto database = open_existing_database(config);
  const storage::DeviceMatch device = resolve_device(*database, options.device);
  storage::ConfigHistory history(*database);

  std::optional<storage::ConfigVersion> version;
  if (options.version) {
    const std::int64_t number = parse_version_argument(*options.version, device);
    version = history.version(device.id, number);
    if (!version) {
      const auto count = history.versions(device.id).size();
      throw InputError(device_label(device) + " has " + std::to_string(count) + " stored version" +
                       (count == 1 ? "" : "s") + "; there is no version " + std::to_string(number));
    }
  } else if (options.at) {
    const std::int64_t at = parse_time_argument(*options.at);
    version = history.version_at(device.id, at);
    if (!version) {
      const auto versions = history.versions(device.id);
      throw InputError(device_label(device) + " had no stored config at " + format_utc(at) +
                       (versions.empty() ? std::string("; it has none yet")
                                         : "; the first is from " + format_utc(versions.front().taken_at)));
    }
  } else {
    const auto versions = history.versions(device.id);
    if (versions.empty()) {
      throw InputError(device_label(device) + " has no stored config yet");
    }
    version = versions.back();
  }

  const std::string text = history.text(*version);
  if (options.json) {
    std::cout << nlohmann::json{{"device", device_json(device)}, {"version", version_json(*version)}, {"config", text}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << text;
  }
  return 0;
}

}  // namespace nbsync::commands
