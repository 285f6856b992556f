#pragma once
// One device to back up, with the platform profile that says how.
#include <memory>

#include "backup/platform_profile.hpp"
#include "inventory/device.hpp"

namespace nbsync::backup {

struct BackupJob {
  inventory::Device device;
  std::shared_ptr<const PlatformProfile> profile;
};

}  // namespace nbsync::backup
