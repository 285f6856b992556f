#include "storage/config_grep.hpp"

#include <stdexcept>

namespace nbsync::storage {

Pattern compile_search_pattern(const std::string& regex) {
  if (regex.empty()) {
    throw std::invalid_argument("the search pattern is empty; give a regular expression, e.g. 'snmp-server community'");
  }
  try {
    return Pattern::compile(regex);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("bad regular expression '" + regex + "': " + e.what() + " (PCRE2 syntax)");
  }
}

std::int64_t for_each_matching_line(const Pattern& pattern, std::string_view text,
                                    const std::function<bool(std::int64_t, std::string_view)>& on_match) {
  std::int64_t matched = 0;
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
      ++matched;
      if (!on_match(line_number, line)) {
        break;
      }
    }
    start = end + 1;
  }
  return matched;
}

}  // namespace nbsync::storage
