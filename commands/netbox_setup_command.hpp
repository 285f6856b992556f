#pragma once
// `nbsync netbox-setup`: creates nbsync's custom fields (and the Config history link when
// netbox.history_url is set) in NetBox, once, and prints what it created or found. Returns
// the exit code: 1 when NetBox refused, with NetBox's reason on stderr.
#include "config/config.hpp"

namespace nbsync::commands {

int run_netbox_setup(const Config& config);

}  // namespace nbsync::commands
