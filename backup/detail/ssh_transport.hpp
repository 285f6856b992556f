#pragma once
// The SSH transport of one session: connect (within SessionLimits::connect_timeout), check
// the host key, log in, open channels. open() asks the HostKeyVerifier before it sends any
// credential, and logs in only when the key is trusted. A channel must not outlive the
// transport that opened it; the transport disconnects when destroyed. Never throws.
#include <optional>
#include <string>

#include "backup/credentials.hpp"
#include "backup/device_session.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/outcome.hpp"
#include "backup/platform_profile.hpp"
#include "inventory/device.hpp"

struct ssh_session_struct;  // libssh's ssh_session and ssh_channel point to these
struct ssh_channel_struct;

namespace nbsync::backup::detail {

// One SSH channel, freed when destroyed (closed first when it is still open).
class SshChannel {
public:
  SshChannel() = default;
  explicit SshChannel(ssh_channel_struct* channel) : m_channel(channel) {}
  ~SshChannel();
  SshChannel(SshChannel&& other) noexcept : m_channel(other.m_channel) { other.m_channel = nullptr; }
  SshChannel& operator=(SshChannel&& other) noexcept;
  SshChannel(const SshChannel&) = delete;
  SshChannel& operator=(const SshChannel&) = delete;

  ssh_channel_struct* get() const { return m_channel; }
  // Sends the channel's close even when the device already closed its side (so the device
  // can free it and accept the next channel), then frees it.
  void close();

private:
  ssh_channel_struct* m_channel = nullptr;
};

class SshTransport {
public:
  // `label` names the device in every message. All arguments must outlive the transport.
  SshTransport(const inventory::Device& device, const PlatformProfile& profile, const Credentials& credentials,
               const SessionLimits& limits, const std::string& label);
  ~SshTransport();
  SshTransport(const SshTransport&) = delete;
  SshTransport& operator=(const SshTransport&) = delete;

  // Makes open() run SSH over `socket_fd` (a bastion's tunnel) instead of dialing the
  // device; the transport owns the socket from then on. Call before open().
  void connect_over(int socket_fd);
  // Connects, checks the host key with `verifier`, then logs in: none when logged in, else
  // how it failed (connect, timeout, protocol, host_key_mismatch or auth).
  std::optional<Outcome> open(HostKeyVerifier& verifier);
  // The key the device presented and the verifier's verdict (defaults until it was asked).
  const HostKey& host_key() const { return m_host_key; }
  HostKeyVerdict host_key_verdict() const { return m_host_key_verdict; }

  // A session channel, opened (an empty SshChannel when the device refused one).
  SshChannel open_channel();
  // libssh's last error on this session.
  std::string error() const;
  // The libssh session, for a bastion's tunnel pump once logged in.
  ssh_session_struct* session() const { return m_ssh; }

private:
  std::optional<Outcome> connect();
  bool offer_algorithms();
  Outcome connect_failure(int saved_errno) const;
  std::optional<Outcome> check_host_key(HostKeyVerifier& verifier);
  std::optional<Outcome> authenticate();
  Outcome login_refused(const std::string& tried) const;

  // One login method's answer.
  // timed_out: no answer within login_timeout (libssh's SSH_AUTH_AGAIN in blocking mode).
  enum class AuthAnswer { accepted, refused, connection_lost, timed_out, unreadable_key };
  AuthAnswer log_in_with_key();
  AuthAnswer log_in_with_password();
  AuthAnswer log_in_keyboard_interactive();
  static AuthAnswer answer_of(int libssh_code);
  Outcome lost_during_login() const;
  Outcome login_unanswered() const;

  const inventory::Device& m_device;
  const PlatformProfile& m_profile;
  const Credentials& m_credentials;
  const SessionLimits& m_limits;
  const std::string& m_label;
  ssh_session_struct* m_ssh = nullptr;
  int m_socket_fd = -1;  // a tunnel to run over, until libssh takes it in connect()
  bool m_tunneled = false;
  HostKey m_host_key;
  HostKeyVerdict m_host_key_verdict = HostKeyVerdict::trusted;
};

}  // namespace nbsync::backup::detail
