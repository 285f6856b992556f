#pragma once
// `nbsync status`: the last cycle, the failing devices (outcome, since when), compliance
// and what waits in or was refused by the outbox, as text or JSON.

#include "config/config.hpp"

namespace nbsync::commands {

struct StatusOptions {
  bool json = false;
};
int run_status(const Config& config, const StatusOptions& options);

}  // namespace nbsync::commands
