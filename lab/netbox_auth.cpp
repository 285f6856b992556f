#include "lab/netbox_auth.hpp"

#include <algorithm>
#include <cctype>

namespace nbsync::lab {
namespace {

bool keyword_is(const std::string& keyword, const char* expected) {
  const std::string wanted = expected;
  return keyword.size() == wanted.size() &&
         std::equal(keyword.begin(), keyword.end(), wanted.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

}  // namespace

bool is_v2_token(const std::string& token) {
  return token.starts_with("nbt_") && token.find('.') != std::string::npos;
}

AuthResult authenticate(const std::string& authorization, const LabTokens& tokens, const NetboxRelease& release) {
  const auto space = authorization.find(' ');
  const std::string keyword = authorization.substr(0, space);
  const bool known_keyword = keyword_is(keyword, "Token") || (release.v2_tokens() && keyword_is(keyword, "Bearer"));
  if (!known_keyword) {
    return {nullptr, "Authentication credentials were not provided."};
  }
  const std::string token = space == std::string::npos ? "" : authorization.substr(space + 1);
  if (token.empty()) {
    return {nullptr, "Invalid token header. No credentials provided."};
  }
  if (token.find(' ') != std::string::npos) {
    return {nullptr, "Invalid token header. Token string should not contain spaces."};
  }
  if (const LabUser* user = tokens.find(token)) {
    return {user, ""};
  }
  if (!release.v2_tokens()) {
    return {nullptr, "Invalid token"};
  }
  return {nullptr, token.starts_with("nbt_") ? "Invalid v2 token" : "Invalid v1 token"};
}

}  // namespace nbsync::lab
