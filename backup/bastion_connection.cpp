#include "backup/bastion_connection.hpp"

#include "backup/detail/ssh_transport.hpp"
#include "backup/detail/tunnel_pump.hpp"

namespace nbsync::backup {
namespace {

// The bastion as the host-key verifier and the transport know a device: its name and address.
inventory::Device as_device(const JumpHost& jump_host) {
  inventory::Device device;
  device.id = jump_host_key_owner(jump_host.name);
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

// A failure of this bastion (or of the one before it in the chain, which keeps its name).
std::optional<Outcome> BastionConnection::failed(Outcome outcome) {
  if (outcome.jump_host.empty()) {
    outcome.jump_host = m_jump_host.name;
  }
  m_failure = outcome;
  return outcome;
}

std::optional<Outcome> BastionConnection::open() {
  m_transport =
      std::make_unique<detail::SshTransport>(m_as_device, m_profile, m_jump_host.credentials, m_limits, m_label);
  if (m_via != nullptr) {
    TunnelOpening tunnel = m_via->open_tunnel(m_jump_host.address, m_jump_host.port, m_label);
    if (tunnel.failure) {
      return failed(std::move(*tunnel.failure));
    }
    m_transport->connect_over(tunnel.fd);
  }
  if (auto problem = m_transport->open(m_verifier)) {
    return failed(std::move(*problem));
  }
  m_pump = std::make_unique<detail::TunnelPump>(m_transport->session(), m_limits.connect_timeout);
  return std::nullopt;
}

TunnelOpening BastionConnection::open_tunnel(const std::string& host, std::uint16_t port,
                                             const std::string& device_label) {
  if (m_pump == nullptr) {
    if (m_failure) {
      Outcome unreached = *m_failure;
      unreached.message = device_label + ": not reached, its " + m_failure->message;
      return {-1, unreached};
    }
    return {-1, Outcome{OutcomeKind::connect, device_label + ": " + m_label + " is not connected"}};
  }
  detail::TunnelEnd end = m_pump->open(host, port);
  if (end.fd >= 0) {
    return {end.fd, std::nullopt};
  }
  return {-1, tunnel_failure(end, host + ":" + std::to_string(port), device_label)};
}

// The device's outcome for a tunnel the bastion did not open: what the bastion did, named.
Outcome BastionConnection::tunnel_failure(const detail::TunnelEnd& end, const std::string& destination,
                                          const std::string& device_label) const {
  using Problem = detail::TunnelEnd::Problem;
  const std::string prefix = device_label + ": " + m_label;
  switch (end.problem) {
    case Problem::refused: {
      Outcome refused{OutcomeKind::connect, prefix + " refused the tunnel to " + destination + " (" + end.error +
                                                "); its forwarding policy (AllowTcpForwarding, PermitOpen) or its " +
                                                "own connection to the device failed"};
      // "connect failed" is the device not answering the bastion; any other reason (its
      // policy: administratively prohibited) refuses every device behind it.
      if (end.error.find("connect failed") == std::string::npos) {
        refused.jump_host = m_jump_host.name;
      }
      return refused;
    }
    case Problem::timed_out:
      return Outcome{OutcomeKind::timeout, prefix + " opened no tunnel to " + destination + ": " + end.error};
    case Problem::local: {
      Outcome local{OutcomeKind::connect, prefix + ": " + end.error};
      local.local_failure = true;
      return local;
    }
    case Problem::session_lost:
    case Problem::none:
      break;
  }
  Outcome lost{OutcomeKind::connect, prefix + ": " + end.error};
  lost.jump_host = m_jump_host.name;
  return lost;
}

bool BastionConnection::alive() const {
  return m_pump != nullptr && m_pump->alive();
}

}  // namespace nbsync::backup
