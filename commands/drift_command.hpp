#pragma once
// `nbsync drift DEVICE [--json]`: the device's drift from NetBox's intended config, per
// checked version (newest first), with the lines of the newest check: missing (in the
// rendered template, not on the device) and extra (only on the device), each under its
// section. Input that does not fit the database throws InputError.
#include <string>

#include "config/config.hpp"

namespace nbsync::commands {

struct DriftOptions {
  std::string device;  // name as NetBox shows it, or NetBox id
  bool json = false;
};
int run_drift(const Config& config, const DriftOptions& options);

}  // namespace nbsync::commands
