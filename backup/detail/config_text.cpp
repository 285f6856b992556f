#include "backup/detail/config_text.hpp"

#include "backup/config_normalizer.hpp"

namespace nbsync::backup::detail {

void strip_echo_and_prompt(std::string& output, std::string_view command) {
  const auto last_newline = output.rfind('\n');
  output.resize(last_newline == std::string::npos ? 0 : last_newline + 1);
  const auto first_end = output.find('\n');
  if (first_end != std::string::npos &&
      clean_terminal_line(std::string_view(output).substr(0, first_end)).find(command) != std::string::npos) {
    output.erase(0, first_end + 1);
  }
}

std::optional<std::string> refusal_line(std::string_view output, const Pattern& error) {
  if (error.empty()) {
    return std::nullopt;
  }
  std::size_t start = 0;
  for (int line = 0; line < 5 && start < output.size(); ++line) {
    const auto end = output.find('\n', start);
    std::string text =
        clean_terminal_line(output.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (error.search(text)) {
      return text;
    }
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return std::nullopt;
}

void append_output(std::string& config, std::string&& output) {
  if (config.empty()) {
    config = std::move(output);
  } else {
    config += output;
  }
}

void drop_before_start(std::string& config, const Pattern& start_marker) {
  std::size_t start = 0;
  while (start < config.size()) {
    const auto end = config.find('\n', start);
    if (start_marker.search(clean_terminal_line(std::string_view(config).substr(start, end - start)))) {
      break;
    }
    start = end == std::string::npos ? config.size() : end + 1;
  }
  config.erase(0, start);
}

bool has_end_marker(std::string_view config, const Pattern& end) {
  std::size_t line_end = config.size();
  while (line_end > 0) {
    if (config[line_end - 1] == '\n') {
      --line_end;  // the newline that ends this line
    }
    const auto newline = line_end == 0 ? std::string_view::npos : config.rfind('\n', line_end - 1);
    const std::size_t from = newline == std::string_view::npos ? 0 : newline + 1;
    if (end.search(clean_terminal_line(config.substr(from, line_end - from)))) {
      return true;
    }
    line_end = from;
  }
  return false;
}

std::optional<Outcome> finish_config(std::string& config, const PlatformProfile& profile, const std::string& label) {
  if (!profile.config_start.empty()) {
    drop_before_start(config, profile.config_start);
  }
  if (!profile.config_end.empty() && !has_end_marker(config, profile.config_end)) {
    return Outcome{OutcomeKind::incomplete, label + ": the config has no end marker ('" + profile.config_end.source() +
                                                "') after " + std::to_string(config.size()) + " bytes; nothing stored"};
  }
  if (config.find_first_not_of(" \r\n\t") == std::string::npos) {
    return Outcome{OutcomeKind::incomplete, label + ": the device printed an empty config; nothing stored"};
  }
  return std::nullopt;
}

}  // namespace nbsync::backup::detail
