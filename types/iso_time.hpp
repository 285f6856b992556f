#pragma once
// An ISO 8601 date or date/time as people type it: 2026-08-01T12:00:00Z, with an offset like
// +02:00, or without one meaning UTC; seconds may be left out (2026-08-01T12:00, what a
// browser's datetime field sends); a date alone (2026-08-01) is midnight UTC.
#include <cstdint>
#include <optional>
#include <string_view>

namespace nbsync {

struct IsoTime {
  std::int64_t unix_seconds = 0;
  bool date_only = false;  // the text gave a day, no time of day
};

// The time `text` names, or nullopt when it is not one of the forms above (or no real date).
std::optional<IsoTime> parse_iso_time(std::string_view text);

}  // namespace nbsync
