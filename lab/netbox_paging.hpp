#pragma once
// NetBox's limit/offset pagination and the query-string details around it: default page
// 50, maximum 1000 (limit=0 and larger limits mean 1000), `next`/`previous` as absolute
// URLs with sorted keys, built the way Django REST framework builds them.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

inline constexpr std::size_t k_default_page_size = 50;
inline constexpr std::size_t k_max_page_size = 1000;

struct PageRequest {
  std::size_t offset = 0;
  std::size_t limit = k_default_page_size;
};

PageRequest page_request(const httplib::Request& request);

// {"count", "next", "previous", "results"} for one page of `total` items.
nlohmann::json page_json(const httplib::Request& request, const std::string& base, std::size_t total,
                         nlohmann::json results, const PageRequest& page);

// The request's URL with `offset` set (or removed when nullopt) and `limit` set.
std::string page_url(const httplib::Request& request, const std::string& base, std::optional<std::size_t> offset,
                     std::size_t limit);

std::vector<std::string> param_values(const httplib::Request& request, const std::string& key);
std::string url_encode(std::string_view text);

// ISO 8601 date-time to microseconds since the epoch ("Z", "+hh:mm" or no zone = UTC).
std::optional<std::int64_t> parse_iso8601_micros(std::string_view text);

}  // namespace nbsync::lab
