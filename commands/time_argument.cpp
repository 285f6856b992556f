#include "commands/time_argument.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "commands/input_error.hpp"
#include "types/iso_time.hpp"

namespace nbsync::commands {

std::int64_t parse_time_argument(std::string_view text) {
  if (const auto time = parse_iso_time(text)) {
    return time->unix_seconds;
  }
  throw InputError("bad time '" + std::string(text) +
                   "': expected an ISO 8601 time like 2026-08-01T12:00:00Z (UTC unless it has an offset such as "
                   "+02:00) or a date like 2026-08-01");
}

std::int64_t parse_since_argument(std::string_view text, std::int64_t now) {
  if (!text.empty() && text.size() <= 10) {
    std::int64_t unit = 0;
    switch (text.back()) {
      case 's':
        unit = 1;
        break;
      case 'm':
        unit = 60;
        break;
      case 'h':
        unit = 3600;
        break;
      case 'd':
        unit = 86400;
        break;
      case 'w':
        unit = 7 * 86400;
        break;
      default:
        break;
    }
    std::int64_t count = 0;
    const char* last = text.data() + text.size() - 1;
    const auto [end, error] = std::from_chars(text.data(), last, count);
    if (unit != 0 && error == std::errc{} && end == last && text.front() != '-') {
      return now - count * unit;
    }
  }
  if (text.size() >= 10 && text[4] == '-') {
    return parse_time_argument(text);
  }
  throw InputError("bad time '" + std::string(text) +
                   "': expected a duration back from now (30m, 24h, 7d, 2w), an ISO 8601 time like "
                   "2026-08-01T12:00:00Z, or a date like 2026-08-01");
}

std::string format_utc(std::int64_t unix_seconds) {
  using namespace std::chrono;
  const sys_seconds time{seconds{unix_seconds}};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char out[32];
  std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return out;
}

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace nbsync::commands
