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

}  // namespace nbsync::web
