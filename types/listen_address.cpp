#include "types/listen_address.hpp"

#include <charconv>
#include <stdexcept>
#include <system_error>

namespace nbsync {
namespace {

[[noreturn]] void bad_listen(std::string_view text, std::string_view why) {
  throw std::invalid_argument(std::string("'").append(text).append("': ").append(why).append(
      " (expected HOST:PORT such as 127.0.0.1:9810 or [::1]:9810; empty disables)"));
}

std::string_view host_of(std::string_view text, std::string_view host) {
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      bad_listen(text, "an IPv6 address needs its closing ]");
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    bad_listen(text, "write an IPv6 address in brackets");
  }
  if (host.empty()) {
    bad_listen(text, "no host");
  }
  return host;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    bad_listen(text, "no port");
  }
  const std::string_view host = host_of(text, text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    bad_listen(text, "the port is not a number from 0 to 65535");
  }
  return {std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace nbsync
