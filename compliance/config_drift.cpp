#include "compliance/config_drift.hpp"

#include <map>
#include <utility>

namespace nbsync::compliance {
namespace {

using Counts = std::map<std::pair<std::string, std::string>, int>;

std::size_t indentation_of(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) {
    ++n;
  }
  return n;
}

std::string joined(const std::vector<std::pair<std::size_t, std::string>>& headers) {
  std::string out;
  for (const auto& header : headers) {
    if (!out.empty()) {
      out += " > ";
    }
    out += header.second;
  }
  return out;
}

// Each non-blank line keyed by its section path, counted.
Counts keyed_lines(std::string_view text) {
  Counts counts;
  std::vector<std::pair<std::size_t, std::string>> open;  // indentation and text of the headers above
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    const std::size_t indent = indentation_of(line);
    if (indent == line.size()) {
      continue;
    }
    while (!open.empty() && open.back().first >= indent) {
      open.pop_back();
    }
    std::string body(line.substr(indent));
    counts[{joined(open), body}] += 1;
    if (!body.starts_with('}')) {
      open.emplace_back(indent, std::move(body));
    }
  }
  return counts;
}

// What `from` has more of than `than`, as lines.
std::vector<DriftLine> surplus(const Counts& from, const Counts& than) {
  std::vector<DriftLine> out;
  for (const auto& [key, count] : from) {
    const auto other = than.find(key);
    for (int i = other == than.end() ? 0 : other->second; i < count; ++i) {
      out.push_back({key.first, key.second});
    }
  }
  return out;
}

}  // namespace

ConfigDrift compare_to_intended(std::string_view intended, std::string_view running) {
  const Counts want = keyed_lines(intended);
  const Counts have = keyed_lines(running);
  return {surplus(want, have), surplus(have, want)};
}

}  // namespace nbsync::compliance
