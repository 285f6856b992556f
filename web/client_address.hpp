#pragma once
// The address a request comes from, for the sign-in limiter and the sign-in log lines.
// Behind a reverse proxy every request arrives from the proxy; X-Forwarded-For then names
// the browser. The header is believed only from the addresses in [web] trusted_proxies
// (none by default: a client could otherwise name any address and escape the limit), and
// only as far as those proxies wrote it: reading it from the right, the first address that
// is not a trusted proxy is the client (the ones left of it, the client may have written).
#include <string>
#include <vector>

namespace nbsync::web {

class ClientAddress {
public:
  // `trusted_proxies`: IPv4 or IPv6 addresses (checked when the config loads).
  explicit ClientAddress(const std::vector<std::string>& trusted_proxies);

  // `peer`: the TCP peer's address; `forwarded_for`: the X-Forwarded-For header or "".
  std::string of(const std::string& peer, const std::string& forwarded_for) const;

private:
  bool trusted(const std::string& address) const;

  std::vector<std::string> m_trusted;  // in the binary form inet_pton gives, 4 or 16 bytes
};

// The binary form of an IPv4 or IPv6 address (IPv4-mapped IPv6 as IPv4), "" when `text`
// is neither.
std::string binary_address(const std::string& text);

}  // namespace nbsync::web
