#pragma once
// `nbsync hostkey accept DEVICE`: trust the host key a device (or a jump host, by its
// [[ssh.jump_host]] name) presented last (kept as
// pending when it differed from the trusted one), after an operator checked why it
// changed. Prints one line saying what was accepted; returns the exit code.
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

int accept_host_key(const Config& config, const std::string& device, const std::string& fingerprint = {});

}  // namespace nbsync::commands
