#include "web/changes_window.hpp"

#include "types/iso_time.hpp"

namespace nbsync::web {
namespace {

std::string bad_date(const char* name, const std::string& text) {
  return std::string(name) + " must be a date like 2026-12-01 or a time like 2026-12-01T14:30 (UTC unless it ends " +
         "in an offset such as +01:00), not '" + text + "'.";
}

}  // namespace

std::variant<ChangesWindow, std::string> changes_window(const ChangesTimeParams& params, std::int64_t now) {
  if (params.from.empty() && params.to.empty()) {
    for (const auto& [choice, seconds] : k_since_choices) {
      if (params.since == choice) {
        return ChangesWindow{now - seconds, std::nullopt};
      }
    }
    return std::string("since must be one of 1h, 24h, 7d, 30d, 90d or 365d (or give dates as from and to).");
  }
  ChangesWindow window;
  if (!params.from.empty()) {
    const auto from = parse_iso_time(params.from);
    if (!from) {
      return bad_date("from", params.from);
    }
    window.since = from->unix_seconds;
  }
  if (!params.to.empty()) {
    const auto to = parse_iso_time(params.to);
    if (!to) {
      return bad_date("to", params.to);
    }
    window.before = to->unix_seconds + (to->date_only ? k_day_seconds : 1);
  }
  if (window.before && *window.before <= window.since) {
    return "from (" + params.from + ") must be before to (" + params.to + ").";
  }
  return window;
}

}  // namespace nbsync::web
