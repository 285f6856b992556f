#include "commands/time_argument.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

#include "commands/input_error.hpp"

namespace nbsync::commands {
namespace {

// Reads exactly `digits` decimal digits at `pos`.
std::optional<int> read_number(std::string_view text, std::size_t& pos, std::size_t digits) {
  if (pos + digits > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += digits;
  return value;
}

bool read_char(std::string_view text, std::size_t& pos, char expected) {
  if (pos < text.size() && text[pos] == expected) {
    ++pos;
    return true;
  }
  return false;
}

InputError bad_time(std::string_view text) {
  return InputError("bad time '" + std::string(text) +
                    "': expected an ISO 8601 time like 2026-08-01T12:00:00Z (UTC unless it has an offset such as "
                    "+02:00) or a date like 2026-08-01");
}

}  // namespace

std::int64_t parse_time_argument(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  const auto year = read_number(text, pos, 4);
  const bool dash1 = read_char(text, pos, '-');
  const auto month = read_number(text, pos, 2);
  const bool dash2 = read_char(text, pos, '-');
  const auto day = read_number(text, pos, 2);
  if (!year || !dash1 || !month || !dash2 || !day) {
    throw bad_time(text);
  }
  const year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    throw bad_time(text);
  }
  std::int64_t seconds = 0;
  if (pos < text.size()) {
    if (!read_char(text, pos, 'T') && !read_char(text, pos, 't') && !read_char(text, pos, ' ')) {
      throw bad_time(text);
    }
    const auto hour = read_number(text, pos, 2);
    const bool colon = read_char(text, pos, ':');
    const auto minute = read_number(text, pos, 2);
    if (!hour || !colon || !minute || *hour > 23 || *minute > 59) {
      throw bad_time(text);
    }
    int second = 0;
    if (read_char(text, pos, ':')) {
      const auto s = read_number(text, pos, 2);
      if (!s || *s > 60) {
        throw bad_time(text);
      }
      second = *s;
    }
    seconds = *hour * 3600 + *minute * 60 + second;
    if (read_char(text, pos, 'Z') || read_char(text, pos, 'z')) {
      // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const int sign = text[pos] == '+' ? 1 : -1;
      ++pos;
      const auto offset_hours = read_number(text, pos, 2);
      read_char(text, pos, ':');
      const auto offset_minutes = read_number(text, pos, 2);
      if (!offset_hours || !offset_minutes || *offset_hours > 23 || *offset_minutes > 59) {
        throw bad_time(text);
      }
      seconds -= sign * (*offset_hours * 3600 + *offset_minutes * 60);
    }
    if (pos != text.size()) {
      throw bad_time(text);
    }
  }
  return duration_cast<std::chrono::seconds>(sys_days{date}.time_since_epoch()).count() + seconds;
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
    std::size_t pos = 0;
    const auto count = read_number(text, pos, text.size() - 1);
    if (unit != 0 && count) {
      return now - *count * unit;
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
