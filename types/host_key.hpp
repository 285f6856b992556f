#pragma once
// An SSH host key and the verdict on one a device presents: the one vocabulary the
// session (backup/), the store of trusted keys (storage/) and the daemon's policy share.
// Header-only.
#include <string>

namespace nbsync {

struct HostKey {
  std::string type;         // ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa, ...
  std::string fingerprint;  // SHA256:<base64>, as ssh-keygen -l prints it
  std::string public_key;   // base64 of the key blob; with `type`, what identifies the key
  bool operator==(const HostKey& other) const = default;
};

enum class HostKeyVerdict {
  trusted,            // the presented key is the trusted one
  trusted_first_use,  // no key was known: the presented key is now trusted (TOFU)
  mismatch,           // another key is trusted: refuse until an operator accepts this one
  unknown,            // strict mode and no key known: refuse until an operator accepts it
};

}  // namespace nbsync
