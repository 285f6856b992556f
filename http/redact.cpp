#include "http/redact.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace nbsync::http {
namespace {

bool is_secret_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 6> k_words = {"token",  "key",       "password",
                                                              "secret", "signature", "auth"};
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(k_words.begin(), k_words.end(),
                     [&](std::string_view word) { return lower.find(word) != std::string::npos; });
}

}  // namespace

std::string redact_url(std::string_view url) {
  std::string out(url);
  // userinfo: scheme://user:pass@host
  if (auto scheme_end = out.find("://"); scheme_end != std::string::npos) {
    const auto authority_start = scheme_end + 3;
    const auto authority_end = out.find_first_of("/?#", authority_start);
    const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
    if (at != std::string::npos && at >= authority_start) {
      out.replace(authority_start, at - authority_start, k_redacted);
    }
  }
  // secret query parameters
  const auto query_start = out.find('?');
  if (query_start == std::string::npos) {
    return out;
  }
  std::string result = out.substr(0, query_start + 1);
  std::string_view query = std::string_view(out).substr(query_start + 1);
  bool first = true;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (!first) {
      result += '&';
    }
    first = false;
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_parameter(pair.substr(0, eq))) {
      result.append(pair.substr(0, eq + 1));
      result.append(k_redacted);
    } else {
      result.append(pair);
    }
  }
  return result;
}

}  // namespace nbsync::http
