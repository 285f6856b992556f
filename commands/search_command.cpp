// `nbsync search REGEX [--platform P] [--site S] [--role R]`: every line of every device's
// latest config that the regex matches, as `device:line: text` (grep's exit codes: 0 some
// match, 1 none). The trigram index narrows the configs to read; the regex decides.
#include <nlohmann/json.hpp>

#include <iostream>

#include "commands/history_input.hpp"
#include "commands/input_error.hpp"
#include "commands/search_command.hpp"
#include "storage/config_grep.hpp"
#include "storage/config_search.hpp"
#include "storage/regex_literals.hpp"
#include "types/device_label.hpp"
#include "types/pattern.hpp"

namespace nbsync::commands {
namespace {

Pattern compile_pattern(const std::string& regex) {
  try {
    return storage::compile_search_pattern(regex);
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
}

}  // namespace

int run_search(const Config& config, const SearchOptions& options) {
  const Pattern pattern = compile_pattern(options.regex);
  const auto database = open_existing_database(config);
  storage::ConfigSearch search(*database);

  nlohmann::json matches = nlohmann::json::array();
  std::int64_t match_count = 0;
  std::int64_t devices_matched = 0;
  const storage::ConfigScan scan =
      search.scan(storage::required_literals(options.regex), {options.platform, options.site, options.role},
                  [&](const storage::LatestConfig& latest) {
                    const std::string device = device_label(latest.device.name, latest.device.id);
                    const std::int64_t matched = storage::for_each_matching_line(
                        pattern, latest.text, [&](std::int64_t line_number, std::string_view line) {
                          if (options.json) {
                            matches.push_back({{"device", device},
                                               {"device_id", latest.device.id},
                                               {"platform", latest.device.platform},
                                               {"site", latest.device.site},
                                               {"line", line_number},
                                               {"text", std::string(line)}});
                          } else {
                            std::cout << device << ':' << line_number << ": " << line << '\n';
                          }
                          return true;
                        });
                    match_count += matched;
                    devices_matched += matched > 0 ? 1 : 0;
                    return true;
                  });

  if (options.json) {
    std::cout << nlohmann::json{{"pattern", options.regex},
                                {"matches", matches},
                                {"devices_matched", devices_matched},
                                {"configs_read", scan.devices_read},
                                {"index_used", scan.narrowed}}
                     .dump(2)
              << "\n";
  } else {
    std::cout.flush();
    std::cerr << match_count << (match_count == 1 ? " match" : " matches") << " in " << devices_matched
              << (devices_matched == 1 ? " device" : " devices") << " (" << scan.devices_read << " configs read"
              << (scan.narrowed ? " after the index narrowed them" : "") << ")\n";
  }
  return match_count > 0 ? 0 : 1;
}

}  // namespace nbsync::commands
