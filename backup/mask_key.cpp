#include "backup/mask_key.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "types/hex.hpp"
#include "types/mask_tag.hpp"

namespace nbsync::backup {

MaskKey::MaskKey(const Secret& key) : m_key(key.reveal()), m_id(hmac_hex("nbsync mask key id", 12)) {}

std::string MaskKey::tag(std::string_view secret) const {
  return std::string(k_mask_tag_start) + hmac_hex(secret, k_mask_tag_digits) + ">";
}

std::string MaskKey::hmac_hex(std::string_view message, std::size_t hex_digits) const {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), m_key.data(), static_cast<int>(m_key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  std::string out = to_hex(digest, length);
  out.resize(std::min(out.size(), hex_digits));
  return out;
}

}  // namespace nbsync::backup
