#pragma once
// `nbsync outbox retry [--channel C]`: queues the messages NetBox or Slack refused for good
// once more, after their cause is fixed; the next cycle sends them. Returns the exit code.
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

int run_outbox_retry(const Config& config, const std::string& channel);

}  // namespace nbsync::commands
