// `nbsync history DEVICE`: every stored version of a device's config, oldest first.
#include <iostream>

#include "commands/history_commands.hpp"
#include "commands/history_input.hpp"
#include "commands/history_output.hpp"
#include "commands/text_table.hpp"
#include "commands/time_argument.hpp"
#include "storage/config_history.hpp"

namespace nbsync::commands {

int run_history(const Config& config, const HistoryOptions& options) {
  const auto database = open_existing_database(config);
  const storage::DeviceMatch device = resolve_device(*database, options.device);
  storage::ConfigHistory history(*database);
  const auto versions = history.versions(device.id);

  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& version : versions) {
      list.push_back(version_json(version));
    }
    std::cout << nlohmann::json{{"device", device_json(device)}, {"versions", list}}.dump(2) << "\n";
    return 0;
  }
  if (versions.empty()) {
    std::cout << device_label(device) << ": no stored versions yet\n";
    return 0;
  }
  std::cout << device_label(device) << ": " << versions.size() << (versions.size() == 1 ? " version" : " versions")
            << "\n";
  using Align = TextTable::Align;
  TextTable table({{"VERSION", Align::right},
                   {"TAKEN (UTC)", Align::left},
                   {"SIZE", Align::right},
                   {"LINES", Align::right},
                   {"SHA256", Align::left},
                   {"ADDED", Align::right},
                   {"REMOVED", Align::right}});
  for (const auto& version : versions) {
    table.add_row({std::to_string(version.number), format_utc(version.taken_at), std::to_string(version.size),
                   std::to_string(version.line_count), short_hash(version.sha256),
                   signed_count('+', version.lines_added), signed_count('-', version.lines_removed)});
  }
  std::cout << table.render();
  return 0;
}

}  // namespace nbsync::commands
