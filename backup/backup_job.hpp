#pragma once
// One device to back up, with the platform profile that says how and the way there.
#include <memory>

#include "backup/jump_host.hpp"
#include "backup/platform_profile.hpp"
#include "inventory/device.hpp"

namespace nbsync::backup {

struct BackupJob {
  inventory::Device device;
  std::shared_ptr<const PlatformProfile> profile;
  // The bastion it is reached through (null: directly); the pool sets it from its routes.
  std::shared_ptr<const JumpHost> jump_host{};
};

}  // namespace nbsync::backup
