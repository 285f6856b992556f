#include "web/hook_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cctype>
#include <optional>

namespace nbsync::web {
namespace {

constexpr std::size_t k_digest_bytes = 64;  // SHA-512

std::array<unsigned char, k_digest_bytes> digest(const Secret& secret, std::string_view body) {
  std::array<unsigned char, k_digest_bytes> out{};
  unsigned int length = 0;
  const std::string& key = secret.reveal();
  HMAC(EVP_sha512(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), out.data(), &length);
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower >= 'a' && lower <= 'f') {
    return lower - 'a' + 10;
  }
  return -1;
}

std::optional<std::array<unsigned char, k_digest_bytes>> parse_hex(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  if (text.size() != 2 * k_digest_bytes) {
    return std::nullopt;
  }
  std::array<unsigned char, k_digest_bytes> out{};
  for (std::size_t i = 0; i < k_digest_bytes; ++i) {
    const int high = hex_value(text[2 * i]);
    const int low = hex_value(text[2 * i + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    out[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return out;
}

}  // namespace

std::string hook_signature(const Secret& secret, std::string_view body) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string text;
  for (const unsigned char byte : digest(secret, body)) {
    text += k_hex[byte >> 4];
    text += k_hex[byte & 0x0f];
  }
  return text;
}

bool hook_signature_matches(const Secret& secret, std::string_view body, std::string_view header) {
  const auto given = parse_hex(header);
  const auto expected = digest(secret, body);
  if (!given || secret.empty()) {
    return false;
  }
  return CRYPTO_memcmp(given->data(), expected.data(), k_digest_bytes) == 0;
}

}  // namespace nbsync::web
