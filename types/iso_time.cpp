#include "types/iso_time.hpp"

#include <chrono>

namespace nbsync {
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

// The days since 1970 of YYYY-MM-DD at `pos`.
std::optional<std::chrono::sys_days> read_date(std::string_view text, std::size_t& pos) {
  const auto year = read_number(text, pos, 4);
  const bool dash1 = read_char(text, pos, '-');
  const auto month = read_number(text, pos, 2);
  const bool dash2 = read_char(text, pos, '-');
  const auto day = read_number(text, pos, 2);
  if (!year || !dash1 || !month || !dash2 || !day) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year}, std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date};
}

// Seconds east of UTC of a "Z", "+02:00" or "-0530" at `pos`; 0 when there is none.
std::optional<int> read_offset(std::string_view text, std::size_t& pos) {
  if (read_char(text, pos, 'Z') || read_char(text, pos, 'z') || pos == text.size()) {
    return 0;
  }
  if (text[pos] != '+' && text[pos] != '-') {
    return std::nullopt;
  }
  const int sign = text[pos] == '+' ? 1 : -1;
  ++pos;
  const auto hours = read_number(text, pos, 2);
  read_char(text, pos, ':');
  const auto minutes = read_number(text, pos, 2);
  if (!hours || !minutes || *hours > 23 || *minutes > 59) {
    return std::nullopt;
  }
  return sign * (*hours * 3600 + *minutes * 60);
}

// Seconds into the day of "HH:MM[:SS]" and its offset, at `pos`.
std::optional<int> read_time_of_day(std::string_view text, std::size_t& pos) {
  const auto hour = read_number(text, pos, 2);
  const bool colon = read_char(text, pos, ':');
  const auto minute = read_number(text, pos, 2);
  if (!hour || !colon || !minute || *hour > 23 || *minute > 59) {
    return std::nullopt;
  }
  int second = 0;
  if (read_char(text, pos, ':')) {
    const auto s = read_number(text, pos, 2);
    if (!s || *s > 60) {
      return std::nullopt;
    }
    second = *s;
  }
  const auto offset = read_offset(text, pos);
  if (!offset) {
    return std::nullopt;
  }
  return *hour * 3600 + *minute * 60 + second - *offset;
}

}  // namespace

std::optional<IsoTime> parse_iso_time(std::string_view text) {
  std::size_t pos = 0;
  const auto date = read_date(text, pos);
  if (!date) {
    return std::nullopt;
  }
  const std::int64_t midnight = std::chrono::duration_cast<std::chrono::seconds>(date->time_since_epoch()).count();
  if (pos == text.size()) {
    return IsoTime{midnight, true};
  }
  if (!read_char(text, pos, 'T') && !read_char(text, pos, 't') && !read_char(text, pos, ' ')) {
    return std::nullopt;
  }
  const auto seconds = read_time_of_day(text, pos);
  if (!seconds || pos != text.size()) {
    return std::nullopt;
  }
  return IsoTime{midnight + *seconds, false};
}

}  // namespace nbsync
