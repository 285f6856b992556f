#include "backup/device_session.hpp"

#include <memory>

#include "backup/bastion_connection.hpp"
#include "backup/session_counts.hpp"

#include "backup/detail/exec_dialogue.hpp"
#include "backup/detail/exec_refusals.hpp"
#include "backup/detail/shell_dialogue.hpp"
#include "backup/detail/ssh_transport.hpp"
#include "types/device_label.hpp"

namespace nbsync::backup {
namespace {

// What a session needs besides its transport, for opening one again.
struct SessionPlan {
  const inventory::Device& device;
  const PlatformProfile& profile;
  const Credentials& credentials;
  const SessionLimits& limits;
  HostKeyVerifier& verifier;
  BastionConnection* via;
  const std::string& label;
};

// One SSH session to the device: dialed (or through a tunnel of the bastion), its host key
// checked, logged in. `problem`: how that failed.
struct OpenSession {
  std::unique_ptr<detail::SshTransport> transport;
  std::optional<Outcome> problem;
};

OpenSession open_session(const SessionPlan& plan) {
  OpenSession session;
  session.transport =
      std::make_unique<detail::SshTransport>(plan.device, plan.profile, plan.credentials, plan.limits, plan.label);
  if (plan.via != nullptr) {
    TunnelOpening tunnel = plan.via->open_tunnel(plan.device.address, plan.device.port, plan.label);
    if (tunnel.failure) {
      session.problem = std::move(tunnel.failure);
      return session;
    }
    session.transport->connect_over(tunnel.fd);
  }
  session.problem = session.transport->open(plan.verifier);
  return session;
}

detail::ConfigRead read_by_shell(detail::SshTransport& transport, const SessionPlan& plan) {
  return detail::ShellDialogue(transport, plan.profile, plan.credentials, plan.limits, plan.label).run();
}

// exec_first: exec unless the device is known to refuse it; when it refuses now, it is
// remembered and the config is read through a shell on a new session, the first one closed
// before (a device may allow a single session, or a single channel in one).
detail::ConfigRead read_exec_first(OpenSession& session, const SessionPlan& plan) {
  auto& refusals = detail::ExecRefusals::shared();
  if (refusals.refused(plan.device.address, plan.device.port)) {
    return read_by_shell(*session.transport, plan);
  }
  detail::ConfigRead exec = detail::ExecDialogue(*session.transport, plan.profile, plan.limits, plan.label).run();
  if (!exec.exec_refused) {
    return exec;
  }
  refusals.remember(plan.device.address, plan.device.port);
  session.transport.reset();
  session = open_session(plan);
  detail::ConfigRead shell;
  if (session.problem) {
    shell.outcome = std::move(*session.problem);
  } else {
    shell = read_by_shell(*session.transport, plan);
  }
  shell.bytes_read += exec.bytes_read;
  shell.round_trips += exec.round_trips;
  return shell;
}

detail::ConfigRead read_config(OpenSession& session, const SessionPlan& plan) {
  switch (plan.profile.transport) {
    case PlatformProfile::Transport::exec:
      return detail::ExecDialogue(*session.transport, plan.profile, plan.limits, plan.label).run();
    case PlatformProfile::Transport::exec_first:
      return read_exec_first(session, plan);
    case PlatformProfile::Transport::shell:
      break;
  }
  return read_by_shell(*session.transport, plan);
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
  const SessionPlan plan{device, profile, credentials, limits, verifier, via, label};
  OpenSession session = open_session(plan);
  FetchResult result;
  if (session.problem) {
    result.outcome = std::move(*session.problem);
  } else {
    detail::ConfigRead read = read_config(session, plan);
    result.outcome = std::move(read.outcome);
    result.config = std::move(read.config);
    result.bytes_read = read.bytes_read;
    result.round_trips = read.round_trips;
    count_session(read.round_trips);
  }
  result.host_key = session.transport->host_key();
  result.host_key_verdict = session.transport->host_key_verdict();
  return result;
}

}  // namespace nbsync::backup
