#pragma once
// Log lines on stderr, one per event, that journald stores well: "LEVEL module: text".
// With format = "json", one JSON object per line. No secret ever reaches a log line:
// messages are built from names, addresses and outcomes only.
#include "config/config.hpp"

namespace nbsync {

void setup_logging(const LogConfig& log);

}  // namespace nbsync
