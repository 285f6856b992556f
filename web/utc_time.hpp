#pragma once
// Unix seconds as UTC text for the viewer's pages and JSON.
#include <cstdint>
#include <string>

namespace nbsync::web {

// `pattern` is strftime's: "%Y-%m-%d %H:%M:%S UTC" for pages, "%Y-%m-%dT%H:%M:%SZ" for JSON.
std::string utc_time(std::int64_t unix_seconds, const char* pattern);
// "2026-12-04T17:03:12Z", for JSON.
std::string iso_time(std::int64_t unix_seconds);

}  // namespace nbsync::web
