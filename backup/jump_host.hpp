#pragma once
// An SSH bastion (jump host) that devices are reached through: where it listens, the login
// it wants (its own, not the devices'), and the bastion it is itself reached through, if
// any (a chain: `via` is the outer one).
#include <cstdint>
#include <memory>
#include <string>

#include "backup/credentials.hpp"

namespace nbsync::backup {

struct JumpHost {
  std::string name;     // as the config or NetBox's nbsync_jump_host names it
  std::string address;  // IP or host name to dial (from `via` when there is one)
  std::uint16_t port = 22;
  Credentials credentials;
  std::shared_ptr<const JumpHost> via;  // the bastion this one is reached through; null: directly
};

}  // namespace nbsync::backup
