#include "backup/device_session.hpp"

#include "backup/bastion_connection.hpp"

#include "backup/detail/exec_dialogue.hpp"
#include "backup/detail/shell_dialogue.hpp"
#include "backup/detail/ssh_transport.hpp"
#include "types/device_label.hpp"

namespace nbsync::backup {
namespace {

detail::ConfigRead read_config(detail::SshTransport& transport, const PlatformProfile& profile,
                               const Credentials& credentials, const SessionLimits& limits, const std::string& label) {
  if (profile.transport == PlatformProfile::Transport::exec) {
    return detail::ExecDialogue(transport, profile, limits, label).run();
  }
  return detail::ShellDialogue(transport, profile, credentials, limits, label).run();
}

}  // namespace

SessionLimits limits_for(const SessionLimits& limits, const PlatformProfile& profile) {
  SessionLimits out = limits;
  const auto raise = [](std::chrono::milliseconds& configured, const std::optional<std::chrono::milliseconds>& least) {
    if (least && *least > configured) {
      configured = *least;
    }
  };
  raise(out.connect_timeout, profile.timeouts.connect);
  raise(out.login_timeout, profile.timeouts.login);
  raise(out.command_idle_timeout, profile.timeouts.command_idle);
  raise(out.command_timeout, profile.timeouts.command);
  return out;
}

std::string session_label(const inventory::Device& device) {
  return nbsync::device_label(device.name, device.id) + " (" + device.address + ":" + std::to_string(device.port) + ")";
}

FetchResult fetch_config(const inventory::Device& device, const PlatformProfile& profile,
                         const Credentials& credentials, const SessionLimits& configured, HostKeyVerifier& verifier,
                         BastionConnection* via) {
  const SessionLimits limits = limits_for(configured, profile);
  const std::string label = session_label(device);
  detail::SshTransport transport(device, profile, credentials, limits, label);
  FetchResult result;
  if (via != nullptr) {
    TunnelOpening tunnel = via->open_tunnel(device.address, device.port, label);
    if (tunnel.failure) {
      result.outcome = std::move(*tunnel.failure);
      return result;
    }
    transport.connect_over(tunnel.fd);
  }
  if (auto problem = transport.open(verifier)) {
    result.outcome = std::move(*problem);
  } else {
    detail::ConfigRead read = read_config(transport, profile, credentials, limits, label);
    result.outcome = std::move(read.outcome);
    result.config = std::move(read.config);
    result.bytes_read = read.bytes_read;
  }
  result.host_key = transport.host_key();
  result.host_key_verdict = transport.host_key_verdict();
  return result;
}

}  // namespace nbsync::backup
