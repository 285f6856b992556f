// `nbsync diff DEVICE [A [B]]`: the unified diff between two stored versions.
#include <iostream>

#include "commands/history_commands.hpp"
#include "commands/history_input.hpp"
#include "commands/history_output.hpp"
#include "commands/input_error.hpp"
#include "commands/time_argument.hpp"
#include "storage/config_history.hpp"

namespace nbsync::commands {
namespace {

constexpr const char* k_red = "\033[31m";
constexpr const char* k_green = "\033[32m";
constexpr const char* k_cyan = "\033[36m";
constexpr const char* k_bold = "\033[1m";
constexpr const char* k_reset = "\033[0m";

std::string header(const char* marker, const storage::DeviceMatch& device, const storage::ConfigVersion& version) {
  std::string line = marker;
  line.append(" ").append(device.name).append(" version ").append(std::to_string(version.number));
  return line.append(" (").append(format_utc(version.taken_at)).append(")");
}

void print_line(const std::string& line, bool colour) {
  const char* start = nullptr;
  if (colour) {
    if (line.starts_with("@@")) {
      start = k_cyan;
    } else if (line.starts_with("+")) {
      start = k_green;
    } else if (line.starts_with("-")) {
      start = k_red;
    }
  }
  if (start != nullptr) {
    std::cout << start << line << k_reset << "\n";
  } else {
    std::cout << line << "\n";
  }
}

}  // namespace

int run_diff(const Config& config, const DiffOptions& options) {
  const auto database = open_existing_database(config);
  const storage::DeviceMatch device = resolve_device(*database, options.device);
  storage::ConfigHistory history(*database);
  const auto versions = history.versions(device.id);
  const auto count = static_cast<std::int64_t>(versions.size());
  const auto pick = [&](const std::string& text) {
    const std::int64_t number = parse_version_argument(text, device);
    if (number > count) {
      throw InputError(device_label(device) + " has " + std::to_string(count) + " stored version" +
                       (count == 1 ? "" : "s") + "; there is no version " + std::to_string(number));
    }
    return versions[static_cast<std::size_t>(number - 1)];
  };

  storage::ConfigVersion from;
  storage::ConfigVersion to;
  if (options.from) {
    from = pick(*options.from);
    if (options.to) {
      to = pick(*options.to);
    } else {
      to = versions.back();  // count >= 1: pick() found `from`
    }
  } else {
    if (count < 2) {
      throw InputError(device_label(device) + " has " + std::to_string(count) + " stored version" +
                       (count == 1 ? "" : "s") + ": no change to show yet");
    }
    from = versions[versions.size() - 2];
    to = versions.back();
  }

  const storage::ConfigDiff diff = history.diff(from, to);
  if (options.json) {
    std::cout << nlohmann::json{{"device", device_json(device)},       {"from", version_json(diff.from)},
                                {"to", version_json(diff.to)},         {"lines_added", diff.lines_added},
                                {"lines_removed", diff.lines_removed}, {"diff", diff.text}}
                     .dump(2)
              << "\n";
    return 0;
  }
  const std::string from_header = header("---", device, diff.from);
  const std::string to_header = header("+++", device, diff.to);
  if (options.colour) {
    std::cout << k_bold << from_header << k_reset << "\n" << k_bold << to_header << k_reset << "\n";
  } else {
    std::cout << from_header << "\n" << to_header << "\n";
  }
  std::size_t start = 0;
  while (start < diff.text.size()) {
    const std::size_t end = diff.text.find('\n', start);
    const std::size_t stop = end == std::string::npos ? diff.text.size() : end;
    print_line(diff.text.substr(start, stop - start), options.colour);
    start = stop + 1;
  }
  return 0;
}

}  // namespace nbsync::commands
