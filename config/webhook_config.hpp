#pragma once
// [webhook]: NetBox's "back up now" webhooks (issue 20). Off unless `secret` is set. They
// are accepted at /netbox/webhook on `listen` when given, else on [web] listen; `url` is
// where NetBox reaches that path (netbox-setup writes it into NetBox's webhook). The
// secret signs every webhook (X-Hook-Signature); like every secret it comes from a file,
// the environment or a systemd credential, never inline.
#include <chrono>
#include <string>

#include "types/secret.hpp"

namespace nbsync {

struct WebhookConfig {
  Secret secret;       // empty: webhooks are not accepted
  std::string listen;  // "127.0.0.1:9812"; empty: on [web] listen
  std::string url;     // "https://nbsync.example.com/netbox/webhook"; for netbox-setup
  std::chrono::seconds max_age{std::chrono::minutes(5)};  // an older webhook is ignored
  bool enabled() const { return !secret.empty(); }
};

}  // namespace nbsync
