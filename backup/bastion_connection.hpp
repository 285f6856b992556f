#pragma once
// One logged-in SSH connection to a bastion (JumpHost) that carries many device sessions at
// once, each through its own direct-tcpip channel (no forked ssh, no ProxyCommand: libssh
// 0.10 has no ProxyJump). The bastion's host key is checked like a device's, before its
// credentials are sent. A bastion behind another one is reached through a tunnel of the
// outer connection. Thread-safe: any worker may open tunnels; one pump thread moves the bytes.
#include <memory>
#include <optional>
#include <string>

#include "backup/device_session.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/jump_host.hpp"
#include "backup/outcome.hpp"
#include "backup/platform_profile.hpp"
#include "inventory/device.hpp"

namespace nbsync::backup {

namespace detail {
class SshTransport;
class TunnelPump;
struct TunnelEnd;
}  // namespace detail

// A tunnel to a device: the local socket a device's SSH session runs over (the caller
// owns it), or the outcome that names the bastion and what failed.
struct TunnelOpening {
  int fd = -1;
  std::optional<Outcome> failure;
};

class BastionConnection {
public:
  // `via` is the open connection to `jump_host.via` (null when reached directly); it and
  // `verifier` must outlive this connection.
  BastionConnection(JumpHost jump_host, const SessionLimits& limits, HostKeyVerifier& verifier,
                    BastionConnection* via = nullptr);
  ~BastionConnection();
  BastionConnection(const BastionConnection&) = delete;
  BastionConnection& operator=(const BastionConnection&) = delete;

  // Connects, checks the host key and logs in: none when ready for tunnels, else how it
  // failed, naming the bastion. Call once, before any tunnel.
  std::optional<Outcome> open();
  // A tunnel to host:port through the bastion, for `device_label`'s session. When the
  // bastion failed (open, login, the tunnel), the outcome names the bastion and what failed.
  TunnelOpening open_tunnel(const std::string& host, std::uint16_t port, const std::string& device_label);
  // False when never opened or when the connection dropped (open a new one then).
  bool alive() const;
  const std::string& label() const { return m_label; }

private:
  std::optional<Outcome> failed(Outcome outcome);
  Outcome tunnel_failure(const detail::TunnelEnd& end, const std::string& destination,
                         const std::string& device_label) const;

  JumpHost m_jump_host;
  SessionLimits m_limits;
  HostKeyVerifier& m_verifier;
  BastionConnection* m_via;
  inventory::Device m_as_device;  // what the verifier and the transport are told
  PlatformProfile m_profile;      // nbsync's default algorithms
  std::string m_label;
  std::optional<Outcome> m_failure;  // how open() failed: every tunnel's outcome names it
  std::unique_ptr<detail::SshTransport> m_transport;
  std::unique_ptr<detail::TunnelPump> m_pump;
};

}  // namespace nbsync::backup
