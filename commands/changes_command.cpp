// `nbsync changes --since 24h [--platform P] [--site S] [--role R]`: which devices got new
// config versions in a window, with their line counts.
#include <iostream>

#include "commands/history_commands.hpp"
#include "commands/history_input.hpp"
#include "commands/history_output.hpp"
#include "commands/text_table.hpp"
#include "commands/time_argument.hpp"
#include "storage/answer_json.hpp"
#include "storage/config_history.hpp"

namespace nbsync::commands {

int run_changes(const Config& config, const ChangesOptions& options) {
  const std::int64_t since = parse_since_argument(options.since, unix_now());
  const auto database = open_existing_database(config);
  storage::ConfigHistory history(*database);
  const auto changes = history.changes_since(since, {options.platform, options.site, options.role});

  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& c : changes) {
      list.push_back(storage::device_changes_json(c));
    }
    std::cout << nlohmann::json{{"since", format_utc(since)}, {"since_unix", since}, {"devices", list}}.dump(2) << "\n";
    return 0;
  }
  if (changes.empty()) {
    std::cout << "no device changed since " << format_utc(since) << "\n";
    return 0;
  }
  std::cout << changes.size() << (changes.size() == 1 ? " device" : " devices") << " changed since "
            << format_utc(since) << "\n";
  using Align = TextTable::Align;
  TextTable table({{"DEVICE", Align::left},
                   {"SITE", Align::left},
                   {"PLATFORM", Align::left},
                   {"ROLE", Align::left},
                   {"VERSIONS", Align::right},
                   {"ADDED", Align::right},
                   {"REMOVED", Align::right},
                   {"LAST CHANGE (UTC)", Align::left}});
  for (const auto& c : changes) {
    table.add_row({c.name, c.site, c.platform, c.role, std::to_string(c.versions), signed_count('+', c.lines_added),
                   signed_count('-', c.lines_removed), format_utc(c.last_change_at)});
  }
  std::cout << table.render();
  return 0;
}

}  // namespace nbsync::commands
