#include "lab/request_counters.hpp"

#include <algorithm>
#include <cctype>

namespace nbsync::lab {

std::string path_template(const std::string& path) {
  std::string out;
  std::size_t start = 0;
  while (start < path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    const std::string segment = path.substr(start, end - start);
    const bool numeric = !segment.empty() &&
                         std::all_of(segment.begin(), segment.end(), [](unsigned char c) { return std::isdigit(c); });
    out += numeric ? "{id}" : segment;
    if (slash != std::string::npos) {
      out += '/';
    }
    start = end + 1;
  }
  if (path.starts_with('/') && !out.starts_with('/')) {
    out.insert(out.begin(), '/');
  }
  return out;
}

void RequestCounters::count(const std::string& method, const std::string& path) {
  const std::string key = method + " " + path_template(path);
  std::lock_guard lock(m_mutex);
  ++m_counts[key];
  ++m_total;
}

nlohmann::json RequestCounters::snapshot() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json requests = nlohmann::json::object();
  for (const auto& [key, n] : m_counts) {
    requests[key] = n;
  }
  return {{"total", m_total}, {"requests", requests}};
}

void RequestCounters::reset() {
  std::lock_guard lock(m_mutex);
  m_counts.clear();
  m_total = 0;
}

}  // namespace nbsync::lab
