#include "web/client_address.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <string_view>

namespace nbsync::web {
namespace {

constexpr std::string_view k_blanks = " \t";

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(k_blanks);
  if (first == std::string_view::npos) {
    return "";
  }
  const auto last = text.find_last_not_of(k_blanks);
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

std::string binary_address(const std::string& text) {
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    return std::string(reinterpret_cast<const char*>(bytes.data()), 4);
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    constexpr std::array<unsigned char, 12> k_v4_mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(bytes.data(), k_v4_mapped.data(), k_v4_mapped.size()) == 0) {
      return std::string(reinterpret_cast<const char*>(bytes.data() + 12), 4);
    }
    return std::string(reinterpret_cast<const char*>(bytes.data()), 16);
  }
  return "";
}

ClientAddress::ClientAddress(const std::vector<std::string>& trusted_proxies) {
  for (const auto& proxy : trusted_proxies) {
    if (std::string binary = binary_address(proxy); !binary.empty()) {
      m_trusted.push_back(std::move(binary));
    }
  }
}

bool ClientAddress::trusted(const std::string& address) const {
  const std::string binary = binary_address(address);
  for (const auto& proxy : m_trusted) {
    if (!binary.empty() && binary == proxy) {
      return true;
    }
  }
  return false;
}

std::string ClientAddress::of(const std::string& peer, const std::string& forwarded_for) const {
  if (!trusted(peer)) {
    return peer;
  }
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string address = trimmed(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (binary_address(address).empty()) {
      return peer;  // not an address: nothing left of it can be believed
    }
    if (!trusted(address)) {
      return address;
    }
  }
  return peer;
}

}  // namespace nbsync::web
