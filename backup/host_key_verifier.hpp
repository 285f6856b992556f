#pragma once
// The host-key decision a session asks for before it sends any credential. The backup
// module does not know where trusted keys live; the daemon implements this over the
// database (trust on first use, or strict: only keys already known).
#include "inventory/device.hpp"
#include "types/host_key.hpp"

namespace nbsync::backup {

class HostKeyVerifier {
public:
  virtual ~HostKeyVerifier() = default;
  // Called from worker threads: implementations must be thread-safe.
  virtual HostKeyVerdict verify(const inventory::Device& device, const HostKey& key) = 0;
};

}  // namespace nbsync::backup
