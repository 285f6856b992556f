#pragma once
// Reads the [webhook] table (config/webhook_config.hpp) for load_config().
#include "config/detail/config_reader.hpp"
#include "config/webhook_config.hpp"

namespace nbsync::detail {

WebhookConfig read_webhook(ConfigReader& reader);

}  // namespace nbsync::detail
