// `nbsync search REGEX [--platform P] [--site S] [--role R]`: every line of every device's
// latest config that the regex matches, as `device:line: text` (grep's exit codes: 0 some
// match, 1 none). The trigram index narrows the configs to read; the regex decides.
#include <nlohmann/json.hpp>

#include <iostream>

#include "commands/history_input.hpp"
#include "commands/input_error.hpp"
#include "commands/regex_literals.hpp"
#include "commands/search_command.hpp"
#include "storage/config_search.hpp"
#include "types/device_label.hpp"
#include "types/pattern.hpp"

namespace nbsync::commands {
namespace {

Pattern compile_search_pattern(const std::string& regex) {
  if (regex.empty()) {
    throw InputError("the search pattern is empty; give a regular expression, e.g. 'snmp-server community'");
  }
  try {
    return Pattern::compile(regex);
  } catch (const std::invalid_argument& e) {
    throw InputError("bad regular expression '" + regex + "': " + e.what() + " (PCRE2 syntax)");
  }
}

}  // namespace

int run_search(const Config& config, const SearchOptions& options) {
  const Pattern pattern = compile_search_pattern(options.regex);
  const auto database = open_existing_database(config);
  storage::ConfigSearch search(*database);

  nlohmann::json matches = nlohmann::json::array();
  std::int64_t match_count = 0;
  std::int64_t devices_matched = 0;
  const storage::ConfigScan scan =
      search.scan(required_literals(options.regex), {options.platform, options.site, options.role},
                  [&](const storage::LatestConfig& latest) {
                    const std::string_view text = latest.text;
                    const std::string device = device_label(latest.device.name, latest.device.id);
                    bool device_matched = false;
                    std::int64_t line_number = 0;
                    for (std::size_t start = 0; start < text.size();) {
                      const std::size_t newline = text.find('\n', start);
                      const std::size_t end = newline == std::string_view::npos ? text.size() : newline;
                      std::string_view line = text.substr(start, end - start);
                      if (!line.empty() && line.back() == '\r') {
                        line.remove_suffix(1);
                      }
                      ++line_number;
                      if (pattern.search(line)) {
                        ++match_count;
                        device_matched = true;
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
                      }
                      start = end + 1;
                    }
                    devices_matched += device_matched ? 1 : 0;
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
