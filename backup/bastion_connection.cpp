#include "backup/bastion_connection.hpp"

#include "backup/detail/ssh_transport.hpp"
#include "backup/detail/tunnel_pump.hpp"

namespace nbsync::backup {
namespace {

// The bastion as the host-key verifier and the transport know a device: its name and address.
inventory::Device as_device(const JumpHost& jump_host) {
  inventory::Device device;
  device.name = jump_host.name;
  device.address = jump_host.address;
  device.port = jump_host.port;
  return device;
}

}  // namespace

BastionConnection::BastionConnection(JumpHost jump_host, const SessionLimits& limits, HostKeyVerifier& verifier,
                                     BastionConnection* via)
    : m_jump_host(std::move(jump_host)),
      m_limits(limits),
      m_verifier(verifier),
      m_via(via),
      m_as_device(as_device(m_jump_host)),
      m_label("bastion " + m_jump_host.name + " (" + m_jump_host.address + ":" + std::to_string(m_jump_host.port) +
              ")") {}

BastionConnection::~BastionConnection() = default;

std::optional<Outcome> BastionConnection::open() {
  m_transport =
      std::make_unique<detail::SshTransport>(m_as_device, m_profile, m_jump_host.credentials, m_limits, m_label);
  if (m_via != nullptr) {
    TunnelOpening tunnel = m_via->open_tunnel(m_jump_host.address, m_jump_host.port, m_label);
    if (tunnel.failure) {
      return tunnel.failure;
    }
    m_transport->connect_over(tunnel.fd);
  }
  if (auto problem = m_transport->open(m_verifier)) {
    return problem;
  }
  m_pump = std::make_unique<detail::TunnelPump>(m_transport->session(), m_limits.connect_timeout);
  return std::nullopt;
}

TunnelOpening BastionConnection::open_tunnel(const std::string& host, std::uint16_t port,
                                             const std::string& device_label) {
  if (m_pump == nullptr) {
    return {-1, Outcome{OutcomeKind::connect, device_label + ": " + m_label + " is not connected"}};
  }
  detail::TunnelEnd end = m_pump->open(host, port);
  if (end.fd >= 0) {
    return {end.fd, std::nullopt};
  }
  const OutcomeKind kind = end.timed_out ? OutcomeKind::timeout : OutcomeKind::connect;
  return {-1, Outcome{kind, device_label + ": through " + m_label + ": " + end.error}};
}

bool BastionConnection::alive() const {
  return m_pump != nullptr && m_pump->alive();
}

}  // namespace nbsync::backup
