#include "inventory/device.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace nbsync::inventory {

std::optional<std::string> address_without_mask(std::string_view cidr) {
  const auto slash = cidr.find('/');
  const std::string address(cidr.substr(0, slash));
  const bool v6 = address.find(':') != std::string::npos;
  unsigned char buffer[16];
  if (inet_pton(v6 ? AF_INET6 : AF_INET, address.c_str(), buffer) != 1) {
    return std::nullopt;
  }
  if (slash != std::string_view::npos) {
    const std::string_view length = cidr.substr(slash + 1);
    int bits = -1;
    const auto [end, error] = std::from_chars(length.data(), length.data() + length.size(), bits);
    if (error != std::errc{} || end != length.data() + length.size() || bits < 0 || bits > (v6 ? 128 : 32)) {
      return std::nullopt;
    }
  }
  return address;
}

}  // namespace nbsync::inventory
