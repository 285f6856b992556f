#include "backup/detail/ssh_transport.hpp"

#include <libssh/libssh.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "backup/detail/read_failure.hpp"

namespace nbsync::backup::detail {
namespace {

// What nbsync offers when a profile lists no algorithms: nothing weak (no SHA-1 key
// exchange or host-key signatures, no CBC ciphers). Old gear needs its profile's [ssh] lists.
constexpr const char* k_default_key_exchange =
    "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
    "diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group14-sha256";
constexpr const char* k_default_host_keys =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,rsa-sha2-512,rsa-sha2-256";
constexpr const char* k_default_ciphers =
    "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
constexpr const char* k_default_macs =
    "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512";

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

// The server's key as nbsync records it: type, SHA-256 fingerprint, public key in base64.
HostKey describe(ssh_key key) {
  HostKey presented;
  unsigned char* hash = nullptr;
  size_t hash_length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_length) == SSH_OK) {
    char* fingerprint = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_length);
    if (fingerprint != nullptr) {
      presented.fingerprint = fingerprint;
      ssh_string_free_char(fingerprint);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  const char* type = ssh_key_type_to_char(ssh_key_type(key));
  presented.type = type != nullptr ? type : "unknown";
  char* base64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &base64) == SSH_OK) {
    presented.public_key = base64;
    ssh_string_free_char(base64);
  }
  return presented;
}

}  // namespace

SshChannel::~SshChannel() {
  if (m_channel != nullptr) {
    if (ssh_channel_is_open(m_channel)) {
      ssh_channel_close(m_channel);
    }
    ssh_channel_free(m_channel);
  }
}

SshChannel& SshChannel::operator=(SshChannel&& other) noexcept {
  if (this != &other) {
    SshChannel old(m_channel);
    m_channel = other.m_channel;
    other.m_channel = nullptr;
  }
  return *this;
}

void SshChannel::close() {
  if (m_channel != nullptr) {
    ssh_channel_close(m_channel);
    ssh_channel_free(m_channel);
    m_channel = nullptr;
  }
}

SshTransport::SshTransport(const inventory::Device& device, const PlatformProfile& profile,
                           const Credentials& credentials, const SessionLimits& limits, const std::string& label)
    : m_device(device),
      m_profile(profile),
      m_credentials(credentials),
      m_limits(limits),
      m_label(label),
      m_ssh(ssh_new()) {}

SshTransport::~SshTransport() {
  if (m_ssh != nullptr) {
    ssh_disconnect(m_ssh);
    ssh_free(m_ssh);
  }
  if (m_socket_fd >= 0) {
    close(m_socket_fd);
  }
}

void SshTransport::connect_over(int socket_fd) {
  m_socket_fd = socket_fd;
  m_tunneled = true;
}

std::optional<Outcome> SshTransport::open(HostKeyVerifier& verifier) {
  if (m_ssh == nullptr) {
    return Outcome{OutcomeKind::protocol, m_label + ": libssh could not create a session"};
  }
  if (auto problem = connect()) {
    return problem;
  }
  if (auto problem = check_host_key(verifier)) {
    return problem;
  }
  if (m_limits.before_login && !m_limits.before_login()) {
    return abandoned(m_label);
  }
  return authenticate();
}

SshChannel SshTransport::open_channel() {
  SshChannel channel(ssh_channel_new(m_ssh));
  if (channel.get() != nullptr && ssh_channel_open_session(channel.get()) == SSH_OK) {
    return channel;
  }
  return SshChannel();
}

std::string SshTransport::error() const {
  return ssh_get_error(m_ssh);
}

std::optional<Outcome> SshTransport::connect() {
  const unsigned int port = m_device.port;
  const long timeout_s = static_cast<long>(m_limits.connect_timeout.count() / 1000);
  const long timeout_us = static_cast<long>((m_limits.connect_timeout.count() % 1000) * 1000);
  const int nodelay = 1;
  const int no = 0;
  ssh_options_set(m_ssh, SSH_OPTIONS_HOST, m_device.address.c_str());
  ssh_options_set(m_ssh, SSH_OPTIONS_PORT, &port);
  ssh_options_set(m_ssh, SSH_OPTIONS_USER, m_credentials.username.c_str());
  ssh_options_set(m_ssh, SSH_OPTIONS_TIMEOUT, &timeout_s);
  ssh_options_set(m_ssh, SSH_OPTIONS_TIMEOUT_USEC, &timeout_us);
  ssh_options_set(m_ssh, SSH_OPTIONS_NODELAY, &nodelay);
  ssh_options_set(m_ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);      // never read ~/.ssh/config
  ssh_options_set(m_ssh, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");  // host keys are nbsync's business
  ssh_options_set(m_ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  if (m_socket_fd >= 0) {
    ssh_options_set(m_ssh, SSH_OPTIONS_FD, &m_socket_fd);  // libssh closes it from now on
    m_socket_fd = -1;
  }
  if (!offer_algorithms()) {
    return Outcome{OutcomeKind::protocol, m_label + ": profile " + m_profile.name +
                                              " lists SSH algorithms libssh does not know: " + ssh_get_error(m_ssh)};
  }
  errno = 0;
  if (ssh_connect(m_ssh) == SSH_OK) {
    return std::nullopt;
  }
  return connect_failure(errno);
}

// The profile's [ssh] lists, or nbsync's defaults; false when libssh rejects a list.
bool SshTransport::offer_algorithms() {
  const auto& algorithms = m_profile.ssh;
  auto set_list = [this](ssh_options_e option, const std::string& list, const char* fallback) {
    return ssh_options_set(m_ssh, option, list.empty() ? fallback : list.c_str()) == SSH_OK;
  };
  return set_list(SSH_OPTIONS_KEY_EXCHANGE, algorithms.key_exchange, k_default_key_exchange) &&
         set_list(SSH_OPTIONS_HOSTKEYS, algorithms.host_keys, k_default_host_keys) &&
         set_list(SSH_OPTIONS_CIPHERS_C_S, algorithms.ciphers, k_default_ciphers) &&
         set_list(SSH_OPTIONS_CIPHERS_S_C, algorithms.ciphers, k_default_ciphers) &&
         set_list(SSH_OPTIONS_HMAC_C_S, algorithms.macs, k_default_macs) &&
         set_list(SSH_OPTIONS_HMAC_S_C, algorithms.macs, k_default_macs);
}

// Why ssh_connect failed, from errno and libssh's message: nbsync out of descriptors (a
// local failure), a timeout, no connection at all, or a handshake the two sides could not agree on.
Outcome SshTransport::connect_failure(int saved_errno) const {
  const std::string error = ssh_get_error(m_ssh);
  if (saved_errno == EMFILE || saved_errno == ENFILE || contains(error, "Too many open files")) {
    Outcome local{OutcomeKind::connect, m_label + ": nbsync ran out of file descriptors (" + error +
                                            "): raise LimitNOFILE= or ulimit -n, or lower ssh.workers"};
    local.local_failure = true;
    return local;
  }
  if (contains(error, "imeout") || contains(error, "timed out")) {
    return Outcome{OutcomeKind::timeout, m_label + ": no SSH session within " +
                                             std::to_string(m_limits.connect_timeout.count()) + " ms (" + error +
                                             "); the device is slow, or something accepts TCP but does not speak SSH"};
  }
  // Through a bastion a refusal is no TCP error: the tunnel just closes, before any banner,
  // and libssh words that as "disconnected" or as a handshake failure depending on timing.
  if (m_tunneled && (ssh_get_serverbanner(m_ssh) == nullptr || contains(error, "disconnected"))) {
    return Outcome{OutcomeKind::connect, m_label + ": the tunnel closed before the SSH banner (" + error +
                                             "): the device refused the bastion's connection, or the bastion "
                                             "could not reach it"};
  }
  if (contains(error, "refused") || contains(error, "nreachable") || contains(error, "No route") ||
      contains(error, "resolve") || contains(error, "reset") || contains(error, "closed")) {
    return Outcome{OutcomeKind::connect, m_label + ": cannot connect: " + error};
  }
  return Outcome{OutcomeKind::protocol, m_label + ": SSH handshake failed: " + error +
                                            " (for old gear, list its algorithms in the profile's [ssh] table)"};
}

std::optional<Outcome> SshTransport::check_host_key(HostKeyVerifier& verifier) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(m_ssh, &key) != SSH_OK) {
    return Outcome{OutcomeKind::protocol, m_label + ": the server sent no host key"};
  }
  m_host_key = describe(key);
  ssh_key_free(key);
  try {
    m_host_key_verdict = verifier.verify(m_device, m_host_key);
  } catch (const std::exception& e) {
    // Where trusted keys live failed (the database went away): nbsync's problem, not the
    // device's, and no credential goes to a key nobody could check.
    Outcome local{OutcomeKind::protocol,
                  m_label + ": its host key could not be checked, so nbsync did not log in: " + e.what()};
    local.local_failure = true;
    return local;
  }
  switch (m_host_key_verdict) {
    case HostKeyVerdict::trusted:
    case HostKeyVerdict::trusted_first_use:
      return std::nullopt;
    case HostKeyVerdict::mismatch:
      return Outcome{OutcomeKind::host_key_mismatch,
                     m_label + ": host key changed (now " + m_host_key.type + " " + m_host_key.fingerprint +
                         "); not logging in. If the device was replaced or re-keyed, run: nbsync hostkey accept " +
                         (m_device.name.empty() ? std::to_string(m_device.id) : m_device.name)};
    case HostKeyVerdict::unknown:
      return Outcome{OutcomeKind::host_key_mismatch,
                     m_label + ": no trusted host key on record and ssh.host_key_policy is strict (presented " +
                         m_host_key.type + " " + m_host_key.fingerprint + "); accept it with nbsync hostkey accept"};
  }
  return std::nullopt;
}

// Tries "none", then each method the device offers and nbsync has credentials for, in
// order: public key, password, keyboard-interactive.
std::optional<Outcome> SshTransport::authenticate() {
  const long timeout_s = static_cast<long>(std::max<long long>(1, m_limits.login_timeout.count() / 1000));
  ssh_options_set(m_ssh, SSH_OPTIONS_TIMEOUT, &timeout_s);
  const AuthAnswer none = answer_of(ssh_userauth_none(m_ssh, nullptr));
  if (none == AuthAnswer::accepted) {
    return std::nullopt;
  }
  if (none == AuthAnswer::connection_lost) {
    return lost_during_login();
  }
  if (none == AuthAnswer::timed_out) {
    return login_unanswered();
  }
  const int offered = ssh_userauth_list(m_ssh, nullptr);
  const bool has_password = !m_credentials.password.empty();
  const struct {
    const char* name;
    bool usable;
    AuthAnswer (SshTransport::*attempt)();
  } methods[] = {
      {"publickey", !m_credentials.private_key_file.empty() && (offered & SSH_AUTH_METHOD_PUBLICKEY) != 0,
       &SshTransport::log_in_with_key},
      {"password", has_password && (offered & SSH_AUTH_METHOD_PASSWORD) != 0, &SshTransport::log_in_with_password},
      {"keyboard-interactive", has_password && (offered & SSH_AUTH_METHOD_INTERACTIVE) != 0,
       &SshTransport::log_in_keyboard_interactive},
  };
  std::string tried;
  for (const auto& method : methods) {
    if (!method.usable) {
      continue;
    }
    switch ((this->*method.attempt)()) {
      case AuthAnswer::accepted:
        return std::nullopt;
      case AuthAnswer::connection_lost:
        return lost_during_login();
      case AuthAnswer::timed_out:
        return login_unanswered();
      case AuthAnswer::unreadable_key:
        return Outcome{OutcomeKind::auth, m_label + ": cannot read the private key " + m_credentials.private_key_file};
      case AuthAnswer::refused:
        tried += (tried.empty() ? "" : ", ") + std::string(method.name);
        break;
    }
  }
  return login_refused(tried);
}

Outcome SshTransport::login_refused(const std::string& tried) const {
  if (tried.empty()) {
    return Outcome{OutcomeKind::auth, m_label + ": the device offers no login method nbsync has credentials for " +
                                          "(set a password or private_key_file for user " + m_credentials.username +
                                          ")"};
  }
  return Outcome{OutcomeKind::auth, m_label + ": login refused for user " + m_credentials.username + " (tried " +
                                        tried + "); check the credentials nbsync has for " +
                                        (m_device.name.empty() ? std::to_string(m_device.id) : m_device.name)};
}

SshTransport::AuthAnswer SshTransport::log_in_with_key() {
  ssh_key key = nullptr;
  if (ssh_pki_import_privkey_file(m_credentials.private_key_file.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK) {
    return AuthAnswer::unreadable_key;
  }
  const int code = ssh_userauth_publickey(m_ssh, nullptr, key);
  ssh_key_free(key);
  return answer_of(code);
}

SshTransport::AuthAnswer SshTransport::log_in_with_password() {
  return answer_of(ssh_userauth_password(m_ssh, nullptr, m_credentials.password.reveal().c_str()));
}

// Answers up to five rounds of questions: a prompt that echoes asks for the user name, a
// hidden one for the password.
SshTransport::AuthAnswer SshTransport::log_in_keyboard_interactive() {
  int code = ssh_userauth_kbdint(m_ssh, nullptr, nullptr);
  for (int round = 0; code == SSH_AUTH_INFO && round < 5; ++round) {
    const int prompts = ssh_userauth_kbdint_getnprompts(m_ssh);
    for (int i = 0; i < prompts; ++i) {
      char echo = 0;
      ssh_userauth_kbdint_getprompt(m_ssh, static_cast<unsigned int>(i), &echo);
      const std::string& answer = echo ? m_credentials.username : m_credentials.password.reveal();
      ssh_userauth_kbdint_setanswer(m_ssh, static_cast<unsigned int>(i), answer.c_str());
    }
    code = ssh_userauth_kbdint(m_ssh, nullptr, nullptr);
  }
  return answer_of(code);
}

SshTransport::AuthAnswer SshTransport::answer_of(int libssh_code) {
  if (libssh_code == SSH_AUTH_SUCCESS) {
    return AuthAnswer::accepted;
  }
  if (libssh_code == SSH_AUTH_ERROR) {
    return AuthAnswer::connection_lost;
  }
  if (libssh_code == SSH_AUTH_AGAIN) {
    return AuthAnswer::timed_out;
  }
  return AuthAnswer::refused;
}

// The device took the credentials and did not answer in time: going on with another method
// would only confuse libssh's state, and the usual cause is the device's AAA server.
Outcome SshTransport::login_unanswered() const {
  return Outcome{OutcomeKind::timeout, m_label + ": no answer to the login within " +
                                           std::to_string(m_limits.login_timeout.count()) +
                                           " ms (ssh.login_timeout); the device's AAA server (TACACS+, RADIUS) may "
                                           "be slow or overloaded"};
}

Outcome SshTransport::lost_during_login() const {
  const std::string error = ssh_get_error(m_ssh);
  const auto kind = contains(error, "imeout") ? OutcomeKind::timeout : OutcomeKind::connect;
  return Outcome{kind, m_label + ": connection lost during login: " + error};
}

}  // namespace nbsync::backup::detail
