#include "web/backup_now_form.hpp"

#include <openssl/crypto.h>

namespace nbsync::web {

std::string backup_now_form(const PageFrame& frame, std::int64_t device_id, const std::string& form_token) {
  return "<h2>Back up now</h2>\n<form class=\"backup-now\" method=\"post\" action=\"" + frame.prefix + "/devices/" +
         std::to_string(device_id) + "/backup-now\"><input type=\"hidden\" name=\"" + k_form_token_field +
         "\" value=\"" + escape_html(form_token) +
         "\"><button type=\"submit\">Back up now</button> <span class=\"muted\">through NetBox, as you: "
         "NetBox decides whether you may</span></form>\n";
}

bool form_token_matches(const std::string& given, const std::string& expected) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

}  // namespace nbsync::web
