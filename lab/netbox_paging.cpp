#include "lab/netbox_paging.hpp"

#include <charconv>
#include <ctime>
#include <map>

namespace nbsync::lab {
namespace {

// DRF's _positive_int: anything that is not a non-negative integer falls back to the default.
std::optional<std::size_t> positive_int(const std::string& text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) {
    return false;
  }
  const auto [end, error] = std::from_chars(text.data() + pos, text.data() + pos + count, out);
  return error == std::errc{} && end == text.data() + pos + count;
}

}  // namespace

PageRequest page_request(const httplib::Request& request) {
  PageRequest page;
  if (request.has_param("limit")) {
    if (auto limit = positive_int(request.get_param_value("limit"))) {
      page.limit = (*limit == 0 || *limit > k_max_page_size) ? k_max_page_size : *limit;
    }
  }
  if (request.has_param("offset")) {
    page.offset = positive_int(request.get_param_value("offset")).value_or(0);
  }
  return page;
}

std::string url_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

std::vector<std::string> param_values(const httplib::Request& request, const std::string& key) {
  std::vector<std::string> out;
  const auto range = request.params.equal_range(key);
  for (auto it = range.first; it != range.second; ++it) {
    out.push_back(it->second);
  }
  return out;
}

std::string page_url(const httplib::Request& request, const std::string& base, std::optional<std::size_t> offset,
                     std::size_t limit) {
  std::map<std::string, std::vector<std::string>> params;  // sorted keys, values in order
  for (const auto& [key, value] : request.params) {
    if (key != "limit" && key != "offset") {
      params[key].push_back(value);
    }
  }
  params["limit"] = {std::to_string(limit)};
  if (offset) {
    params["offset"] = {std::to_string(*offset)};
  }
  std::string query;
  for (const auto& [key, values] : params) {
    for (const auto& value : values) {
      if (!query.empty()) {
        query.push_back('&');
      }
      query.append(url_encode(key)).append(1, '=').append(url_encode(value));
    }
  }
  return base + request.path + "?" + query;
}

nlohmann::json page_json(const httplib::Request& request, const std::string& base, std::size_t total,
                         nlohmann::json results, const PageRequest& page) {
  nlohmann::json next = nullptr;
  nlohmann::json previous = nullptr;
  if (page.offset + page.limit < total) {
    next = page_url(request, base, page.offset + page.limit, page.limit);
  }
  if (page.offset > 0) {
    previous = page.offset <= page.limit ? page_url(request, base, std::nullopt, page.limit)
                                         : page_url(request, base, page.offset - page.limit, page.limit);
  }
  return {{"count", total}, {"next", next}, {"previous", previous}, {"results", std::move(results)}};
}

std::optional<std::int64_t> parse_iso8601_micros(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || !parse_digits(text, 5, 2, month) ||
      text[7] != '-' || !parse_digits(text, 8, 2, day)) {
    return std::nullopt;
  }
  std::size_t pos = 10;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
    if (!parse_digits(text, pos + 1, 2, hour) || text.size() < pos + 6 || text[pos + 3] != ':' ||
        !parse_digits(text, pos + 4, 2, minute)) {
      return std::nullopt;
    }
    pos += 6;
    if (pos < text.size() && text[pos] == ':') {
      if (!parse_digits(text, pos + 1, 2, second)) {
        return std::nullopt;
      }
      pos += 3;
    }
  }
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 6) {
        micros = micros * 10 + (text[pos] - '0');
      }
      ++digits;
      ++pos;
    }
    for (; digits < 6; ++digits) {
      micros *= 10;
    }
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (text[pos] == 'Z' && pos + 1 == text.size()) {
      pos += 1;
    } else if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
      int oh = 0, om = 0;
      if (!parse_digits(text, pos + 1, 2, oh) || !parse_digits(text, pos + 4, 2, om)) {
        return std::nullopt;
      }
      offset_seconds = (text[pos] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      pos += 6;
    } else {
      return std::nullopt;
    }
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offset_seconds;
  return seconds * 1000000 + micros;
}

}  // namespace nbsync::lab
