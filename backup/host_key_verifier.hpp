#pragma once
// The host-key decision a session asks for before it sends any credential. The backup
// module does not know where trusted keys live; the daemon implements this over the
// database (trust on first use, or strict: only keys already known).
#include <string>

#include "inventory/device.hpp"

namespace nbsync::backup {

struct PresentedHostKey {
  std::string type;         // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
  std::string fingerprint;  // "SHA256:..." as OpenSSH prints it
  std::string public_key;   // base64 blob, to store and compare
};

enum class HostKeyVerdict {
  trusted,          // matches the key on record
  trusted_new,      // first contact: recorded and trusted (TOFU)
  mismatch,         // differs from the key on record: refuse until an operator accepts it
  unknown_refused,  // strict mode and no key on record
};

class HostKeyVerifier {
public:
  virtual ~HostKeyVerifier() = default;
  // Called from worker threads: implementations must be thread-safe.
  virtual HostKeyVerdict verify(const inventory::Device& device, const PresentedHostKey& key) = 0;
};

}  // namespace nbsync::backup
