#include "web/utc_time.hpp"

#include <ctime>

namespace nbsync::web {

std::string utc_time(std::int64_t unix_seconds, const char* pattern) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  const std::size_t length = std::strftime(buffer, sizeof buffer, pattern, &tm);
  return std::string(buffer, length);
}

std::string iso_time(std::int64_t unix_seconds) {
  return utc_time(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

}  // namespace nbsync::web
