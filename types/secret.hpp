#pragma once
// A secret (token, password, key passphrase) read from a file or the environment.
// It cannot be streamed or formatted: the only way to the value is reveal(), so a
// secret never lands in a log line by accident. `origin()` says where it came from.
#include <string>
#include <utility>

namespace nbsync {

class Secret {
public:
  Secret() = default;
  Secret(std::string value, std::string origin) : m_value(std::move(value)), m_origin(std::move(origin)) {}

  // The secret itself: pass it straight to the library that needs it, never to a logger.
  const std::string& reveal() const { return m_value; }
  // Where it was read from, safe to log: "file /etc/nbsync/token" or "env NETBOX_TOKEN".
  const std::string& origin() const { return m_origin; }
  bool empty() const { return m_value.empty(); }

private:
  std::string m_value;
  std::string m_origin;
};

}  // namespace nbsync
