#pragma once
// Times on the command line and in output. Input: an ISO 8601 date/time
// (2026-08-01T12:00:00Z, with an offset like +02:00, or without one meaning UTC), a date
// (2026-08-01, midnight UTC), or for --since a duration back from now (30m, 24h, 7d, 2w).
// Output is always UTC, ISO 8601, to the second. Bad input throws InputError.
#include <cstdint>
#include <string>
#include <string_view>

namespace nbsync::commands {

// Unix seconds of an ISO 8601 date or date/time.
std::int64_t parse_time_argument(std::string_view text);
// `now` minus a duration, or the time parse_time_argument reads.
std::int64_t parse_since_argument(std::string_view text, std::int64_t now);
// "2026-08-01T12:00:00Z"
std::string format_utc(std::int64_t unix_seconds);
std::int64_t unix_now();

}  // namespace nbsync::commands
