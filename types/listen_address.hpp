#pragma once
// An address a server of nbsync's listens on, as a config file writes it: HOST:PORT, an
// IPv6 host in brackets. Parsing checks the form only; binding is the server's job.
#include <cstdint>
#include <string>
#include <string_view>

namespace nbsync {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "localhost"
  std::uint16_t port = 0;
};

// "127.0.0.1:9810", "[::1]:9810", "localhost:0" (0: any free port). Throws
// std::invalid_argument naming the text, what is wrong and what was expected.
ListenAddress parse_listen_address(std::string_view text);

}  // namespace nbsync
