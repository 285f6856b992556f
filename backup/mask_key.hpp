#pragma once
// The key masked secrets are tagged under: with it, a masked secret becomes
// "<removed:5f2a9c>" (the first 6 hex digits of HMAC-SHA256(key, secret)), so a rotated
// secret changes the stored text while neither the secret nor a hash anyone could test
// guesses against without the key is stored. `id()` names the key without revealing it
// (stored with each version, so a new key is told apart from new secrets). Immutable.
#include <string>
#include <string_view>

#include "types/secret.hpp"

namespace nbsync::backup {

class MaskKey {
public:
  explicit MaskKey(const Secret& key);

  // "<removed:5f2a9c>" for `secret`.
  std::string tag(std::string_view secret) const;
  // 12 hex digits derived from the key (HMAC of a fixed label), the same for the same key.
  const std::string& id() const { return m_id; }

private:
  std::string hmac_hex(std::string_view message, std::size_t hex_digits) const;

  std::string m_key;
  std::string m_id;
};

}  // namespace nbsync::backup
