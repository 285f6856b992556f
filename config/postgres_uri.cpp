#include "config/postgres_uri.hpp"

namespace nbsync {

std::string postgres_uri_password_problem(std::string_view uri) {
  const std::size_t scheme = uri.find("://");
  const std::size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t at = uri.find('@', authority);
  const std::size_t slash = uri.find('/', authority);
  if (at != std::string_view::npos && (slash == std::string_view::npos || at < slash) &&
      uri.substr(authority, at - authority).find(':') != std::string_view::npos) {
    return "the PostgreSQL URI carries a password";
  }
  if (uri.find("password=") != std::string_view::npos) {
    return "the PostgreSQL URI carries a password parameter";
  }
  return "";
}

}  // namespace nbsync
