#pragma once
// The device page's "Back up now" button and what the viewer answers when it is pressed.
// The form posts the session's form token (SessionStore::form_token) besides the session's
// SameSite=Strict cookie, so no other site can press it for a signed-in user. Pressing it
// asks NetBox, with the user's own token, to tick the device's nbsync_backup_now field:
// NetBox decides whether that user may change the device, and its event rule's webhook
// (named after the user) makes nbsync back the device up and write the journal entry.
#include <cstdint>
#include <string>

#include "web/html.hpp"

namespace nbsync::web {

// The form field that carries the session's form token.
inline constexpr const char* k_form_token_field = "form_token";

std::string backup_now_form(const PageFrame& frame, std::int64_t device_id, const std::string& form_token);

// True when `given` is the session's token (compared in constant time); false when either is empty.
bool form_token_matches(const std::string& given, const std::string& expected);

}  // namespace nbsync::web
