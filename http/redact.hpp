#pragma once
// Makes URLs and header values safe to log: user:password@ and secret-looking query
// parameters (token, key, password, secret, signature) become "REDACTED".
#include <string>
#include <string_view>

namespace nbsync::http {

inline constexpr std::string_view k_redacted = "REDACTED";

std::string redact_url(std::string_view url);

}  // namespace nbsync::http
