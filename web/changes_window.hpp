#pragma once
// Which stretch of time the changes page lists: a window back from now (`since`: 1h, 24h,
// 7d, 30d, 90d, 365d), or a range of dates an engineer picks (`from`, `to`: 2026-12-01, or a
// time such as 2026-12-01T14:30, UTC unless it ends in an offset). A `to` that is a date
// includes that whole day. Given dates win over `since`; either end of a range may be open.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nbsync::web {

inline constexpr std::int64_t k_day_seconds = 86400;
// The windows `since` may name, shortest first, and their seconds.
inline constexpr std::array<std::pair<const char*, std::int64_t>, 6> k_since_choices = {
    {{"1h", 3600},
     {"24h", k_day_seconds},
     {"7d", 7 * k_day_seconds},
     {"30d", 30 * k_day_seconds},
     {"90d", 90 * k_day_seconds},
     {"365d", 365 * k_day_seconds}}};

// The parameters as the request gave them (empty: not given).
struct ChangesTimeParams {
  std::string since = "24h";
  std::string from;
  std::string to;
};

struct ChangesWindow {
  std::int64_t since = 0;              // unix seconds, included
  std::optional<std::int64_t> before;  // unix seconds, excluded; nullopt: up to now
};

// The window `params` name at `now`, or the message saying what is wrong and what to give.
std::variant<ChangesWindow, std::string> changes_window(const ChangesTimeParams& params, std::int64_t now);

}  // namespace nbsync::web
