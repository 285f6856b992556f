#pragma once
// NetBox's webhook signature: X-Hook-Signature is the lower-case hex HMAC-SHA512 of the
// raw request body, keyed with the webhook's secret (extras/webhooks.py generate_signature).
// Checked in constant time, before anything reads the body.
#include <string>
#include <string_view>

#include "types/secret.hpp"

namespace nbsync::web {

// The hex signature NetBox sends for `body` (lower case, 128 characters).
std::string hook_signature(const Secret& secret, std::string_view body);

// Whether `header` (hex, either case, surrounding spaces ignored) is `body`'s signature.
// Takes the same time whichever byte differs; false for a missing or malformed header.
bool hook_signature_matches(const Secret& secret, std::string_view body, std::string_view header);

}  // namespace nbsync::web
