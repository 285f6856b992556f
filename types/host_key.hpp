#pragma once
// An SSH host key and the verdict on one a device presents: the one vocabulary the
// session (backup/), the store of trusted keys (storage/) and the daemon's policy share.
// Header-only.
#include <cstdint>
#include <string>
#include <string_view>

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

// Host keys are kept per NetBox device id. A jump host (bastion) is no NetBox device, so its
// keys are kept under a negative id derived from its name (FNV-1a, 62 bits): stable across
// runs, never a NetBox id, and what `nbsync hostkey accept <jump host>` looks up.
constexpr std::int64_t jump_host_key_owner(std::string_view name) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : name) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }
  return -static_cast<std::int64_t>((hash >> 2) | 1);
}

}  // namespace nbsync
