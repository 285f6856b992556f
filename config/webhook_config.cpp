#include "config/detail/webhook_config_reader.hpp"

namespace nbsync::detail {

WebhookConfig read_webhook(ConfigReader& reader) {
  WebhookConfig webhook;
  if (auto secret = reader.secret("secret")) {
    webhook.secret = std::move(*secret);
  }
  if (auto listen = reader.listen_address("listen")) {
    webhook.listen = *listen;
  }
  if (auto url = reader.string("url")) {
    if (!url->starts_with("http://") && !url->starts_with("https://")) {
      reader.fail("url",
                  "expected the http(s):// URL NetBox reaches nbsync's webhook path at, e.g. "
                  "\"https://nbsync.example.com/netbox/webhook\", got \"" +
                      *url + "\"");
    }
    webhook.url = *url;
  }
  if (auto age = reader.duration("max_age")) {
    webhook.max_age = std::chrono::duration_cast<std::chrono::seconds>(*age);
    if (webhook.max_age < std::chrono::seconds(10)) {
      reader.fail("max_age", "expected at least 10s (NetBox's worker may take a few seconds to send)");
    }
  }
  if (webhook.secret.empty() && (!webhook.listen.empty() || !webhook.url.empty())) {
    reader.fail("secret",
                "webhooks need a shared secret: secret_file = \"/path\", secret = \"env:VARIABLE\" or "
                "secret = \"credential:NAME\" (the same secret netbox-setup gives NetBox's webhook)");
  }
  reader.finish();
  return webhook;
}

}  // namespace nbsync::detail
