#include "backup/device_session.hpp"

#include <libssh/libssh.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <vector>

#include "backup/config_normalizer.hpp"
#include "types/device_label.hpp"

namespace nbsync::backup {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t k_max_login_bytes = 4u << 20;  // banners and MOTDs bigger than this are a fault
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

// How long an unrecognised last line may sit unchanged at login before it counts as a
// prompt nbsync does not know (a console-server menu, a wrong platform in NetBox).
constexpr std::chrono::milliseconds k_prompt_settle{3000};

std::string device_label(const inventory::Device& device) {
  return nbsync::device_label(device.name, device.id) + " (" + device.address + ":" + std::to_string(device.port) + ")";
}

Outcome failure(OutcomeKind kind, std::string message) {
  return Outcome{kind, std::move(message), 1};
}

// Adds a config command's output to the config; the first (for most platforms the only)
// one is moved in, not copied.
void append_output(std::string& config, std::string&& output) {
  if (config.empty()) {
    config = std::move(output);
  } else {
    config += output;
  }
}

// The text of the current, unfinished line at the end of `buffer`, as a terminal shows it.
// Only the last few KB are looked at, so a flood without line breaks stays cheap.
std::string tail_line(const std::string& buffer) {
  const std::size_t from = buffer.size() > 4096 ? buffer.size() - 4096 : 0;
  std::string_view window = std::string_view(buffer).substr(from);
  const auto newline = window.rfind('\n');
  if (newline != std::string_view::npos) {
    window.remove_prefix(newline + 1);
  }
  return clean_terminal_line(window.substr(window.size() > 512 ? window.size() - 512 : 0));
}

// How often a read loop looks at SessionLimits::abandon while it waits.
constexpr std::chrono::milliseconds k_abandon_check{200};

// What a read loop stopped on.
struct Stop {
  enum Kind { prompt, pattern, eof, idle, total, too_large, error, abandoned } kind;
  std::size_t pattern_index = 0;
  std::string message;
};

class Session {
public:
  Session(const inventory::Device& device, const PlatformProfile& profile, const Credentials& credentials,
          const SessionLimits& limits)
      : m_device(device),
        m_profile(profile),
        m_credentials(credentials),
        m_limits(limits),
        m_label(device_label(device)),
        m_ssh(ssh_new()) {}

  ~Session() {
    if (m_channel != nullptr) {
      if (ssh_channel_is_open(m_channel)) {
        ssh_channel_close(m_channel);
      }
      ssh_channel_free(m_channel);
    }
    if (m_ssh != nullptr) {
      ssh_disconnect(m_ssh);
      ssh_free(m_ssh);
    }
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  FetchResult run(HostKeyVerifier& verifier) {
    FetchResult result;
    result.outcome = run_steps(verifier, result);
    result.bytes_read = m_bytes_read;
    if (result.outcome.kind == OutcomeKind::ok) {
      result.config = std::move(m_config);
    }
    return result;
  }

private:
  Outcome run_steps(HostKeyVerifier& verifier, FetchResult& result) {
    if (m_ssh == nullptr) {
      return failure(OutcomeKind::protocol, m_label + ": libssh could not create a session");
    }
    if (auto problem = connect()) {
      return *problem;
    }
    if (auto problem = check_host_key(verifier, result)) {
      return *problem;
    }
    if (auto problem = authenticate()) {
      return *problem;
    }
    if (m_profile.transport == PlatformProfile::Transport::exec) {
      return read_by_exec();
    }
    return read_by_shell();
  }

  std::optional<Outcome> connect() {
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
    const auto& algorithms = m_profile.ssh;
    auto set_list = [this](ssh_options_e option, const std::string& list, const char* fallback) {
      return ssh_options_set(m_ssh, option, list.empty() ? fallback : list.c_str()) == SSH_OK;
    };
    if (!set_list(SSH_OPTIONS_KEY_EXCHANGE, algorithms.key_exchange, k_default_key_exchange) ||
        !set_list(SSH_OPTIONS_HOSTKEYS, algorithms.host_keys, k_default_host_keys) ||
        !set_list(SSH_OPTIONS_CIPHERS_C_S, algorithms.ciphers, k_default_ciphers) ||
        !set_list(SSH_OPTIONS_CIPHERS_S_C, algorithms.ciphers, k_default_ciphers) ||
        !set_list(SSH_OPTIONS_HMAC_C_S, algorithms.macs, k_default_macs) ||
        !set_list(SSH_OPTIONS_HMAC_S_C, algorithms.macs, k_default_macs)) {
      return failure(OutcomeKind::protocol, m_label + ": profile " + m_profile.name +
                                                " lists SSH algorithms libssh does not know: " + ssh_get_error(m_ssh));
    }
    errno = 0;
    if (ssh_connect(m_ssh) == SSH_OK) {
      return std::nullopt;
    }
    const int saved_errno = errno;
    const std::string error = ssh_get_error(m_ssh);
    if (saved_errno == EMFILE || saved_errno == ENFILE || error.find("Too many open files") != std::string::npos) {
      Outcome local = failure(OutcomeKind::connect, m_label + ": nbsync ran out of file descriptors (" + error + ")");
      local.local_failure = true;
      return local;
    }
    if (error.find("imeout") != std::string::npos || error.find("timed out") != std::string::npos) {
      return failure(OutcomeKind::timeout,
                     m_label + ": no SSH session within " + std::to_string(m_limits.connect_timeout.count()) + " ms (" +
                         error + "); the device is slow, or something accepts TCP but does not speak SSH");
    }
    if (error.find("refused") != std::string::npos || error.find("nreachable") != std::string::npos ||
        error.find("No route") != std::string::npos || error.find("resolve") != std::string::npos ||
        error.find("reset") != std::string::npos || error.find("closed") != std::string::npos) {
      return failure(OutcomeKind::connect, m_label + ": cannot connect: " + error);
    }
    return failure(OutcomeKind::protocol, m_label + ": SSH handshake failed: " + error +
                                              " (for old gear, list its algorithms in the profile's [ssh] table)");
  }

  std::optional<Outcome> check_host_key(HostKeyVerifier& verifier, FetchResult& result) {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(m_ssh, &key) != SSH_OK) {
      return failure(OutcomeKind::protocol, m_label + ": the server sent no host key");
    }
    unsigned char* hash = nullptr;
    size_t hash_length = 0;
    char* base64 = nullptr;
    HostKey presented;
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
    if (ssh_pki_export_pubkey_base64(key, &base64) == SSH_OK) {
      presented.public_key = base64;
      ssh_string_free_char(base64);
    }
    ssh_key_free(key);
    result.host_key = presented;
    result.host_key_verdict = verifier.verify(m_device, presented);
    switch (result.host_key_verdict) {
      case HostKeyVerdict::trusted:
      case HostKeyVerdict::trusted_first_use:
        return std::nullopt;
      case HostKeyVerdict::mismatch:
        return failure(OutcomeKind::host_key_mismatch,
                       m_label + ": host key changed (now " + presented.type + " " + presented.fingerprint +
                           "); not logging in. If the device was replaced or re-keyed, run: nbsync hostkey accept " +
                           (m_device.name.empty() ? std::to_string(m_device.id) : m_device.name));
      case HostKeyVerdict::unknown:
        return failure(OutcomeKind::host_key_mismatch,
                       m_label + ": no trusted host key on record and ssh.host_key_policy is strict (presented " +
                           presented.type + " " + presented.fingerprint + "); accept it with nbsync hostkey accept");
    }
    return std::nullopt;
  }

  std::optional<Outcome> authenticate() {
    const long timeout_s = static_cast<long>(std::max<long long>(1, m_limits.login_timeout.count() / 1000));
    ssh_options_set(m_ssh, SSH_OPTIONS_TIMEOUT, &timeout_s);
    int rc = ssh_userauth_none(m_ssh, nullptr);
    if (rc == SSH_AUTH_SUCCESS) {
      return std::nullopt;
    }
    if (rc == SSH_AUTH_ERROR) {
      return auth_transport_failure();
    }
    const int methods = ssh_userauth_list(m_ssh, nullptr);
    std::vector<std::string> tried;
    if (!m_credentials.private_key_file.empty() && (methods & SSH_AUTH_METHOD_PUBLICKEY)) {
      ssh_key key = nullptr;
      if (ssh_pki_import_privkey_file(m_credentials.private_key_file.c_str(), nullptr, nullptr, nullptr, &key) !=
          SSH_OK) {
        return failure(OutcomeKind::auth, m_label + ": cannot read the private key " + m_credentials.private_key_file);
      }
      rc = ssh_userauth_publickey(m_ssh, nullptr, key);
      ssh_key_free(key);
      if (rc == SSH_AUTH_SUCCESS) {
        return std::nullopt;
      }
      if (rc == SSH_AUTH_ERROR) {
        return auth_transport_failure();
      }
      tried.push_back("publickey");
    }
    if (!m_credentials.password.empty() && (methods & SSH_AUTH_METHOD_PASSWORD)) {
      rc = ssh_userauth_password(m_ssh, nullptr, m_credentials.password.reveal().c_str());
      if (rc == SSH_AUTH_SUCCESS) {
        return std::nullopt;
      }
      if (rc == SSH_AUTH_ERROR) {
        return auth_transport_failure();
      }
      tried.push_back("password");
    }
    if (!m_credentials.password.empty() && (methods & SSH_AUTH_METHOD_INTERACTIVE)) {
      rc = ssh_userauth_kbdint(m_ssh, nullptr, nullptr);
      for (int round = 0; rc == SSH_AUTH_INFO && round < 5; ++round) {
        const int prompts = ssh_userauth_kbdint_getnprompts(m_ssh);
        for (int i = 0; i < prompts; ++i) {
          char echo = 0;
          ssh_userauth_kbdint_getprompt(m_ssh, static_cast<unsigned int>(i), &echo);
          // A prompt that echoes asks for the user name; a hidden one for the password.
          const std::string& answer = echo ? m_credentials.username : m_credentials.password.reveal();
          ssh_userauth_kbdint_setanswer(m_ssh, static_cast<unsigned int>(i), answer.c_str());
        }
        rc = ssh_userauth_kbdint(m_ssh, nullptr, nullptr);
      }
      if (rc == SSH_AUTH_SUCCESS) {
        return std::nullopt;
      }
      if (rc == SSH_AUTH_ERROR) {
        return auth_transport_failure();
      }
      tried.push_back("keyboard-interactive");
    }
    std::string list;
    for (const auto& t : tried) {
      list += (list.empty() ? "" : ", ") + t;
    }
    if (tried.empty()) {
      return failure(OutcomeKind::auth, m_label + ": the device offers no login method nbsync has credentials for " +
                                            "(set a password or private_key_file for user " + m_credentials.username +
                                            ")");
    }
    return failure(OutcomeKind::auth, m_label + ": login refused for user " + m_credentials.username + " (tried " +
                                          list + "); check the credentials for this device");
  }

  Outcome auth_transport_failure() {
    const std::string error = ssh_get_error(m_ssh);
    const auto kind = error.find("imeout") != std::string::npos ? OutcomeKind::timeout : OutcomeKind::connect;
    return failure(kind, m_label + ": connection lost during login: " + error);
  }

  // Reads into m_buffer until the current line is the prompt, or matches one of `patterns`.
  // `answer_more` answers the pager. `limit` caps the bytes of this read.
  // `settle` > 0: an unrecognised last line that stays unchanged that long ends the read
  // (a prompt nbsync does not know), instead of waiting out the whole idle time.
  Stop read_until(const std::vector<const Pattern*>& patterns, milliseconds idle, milliseconds total, std::size_t limit,
                  bool answer_more, milliseconds settle = milliseconds(0)) {
    const auto deadline = Clock::now() + total;
    auto quiet_since = Clock::now();  // the last data, or the start
    while (true) {
      // More output already waiting means the device is not waiting for us: its last line
      // cannot be a prompt or a question yet, so it is only looked at once the data stops.
      // (This keeps a config that arrives in hundreds of packets from costing a line
      // cleanup and the prompt patterns per packet.)
      const int waiting = ssh_channel_poll(m_channel, 0);
      if (waiting == SSH_ERROR) {
        return {Stop::error, 0, ssh_get_error(m_ssh)};
      }
      if (waiting > 0 && !m_limits.abandon.stop_requested() && Clock::now() < deadline) {
        const std::size_t before = m_buffer.size();
        if (auto stop = read_chunk(limit)) {
          return *stop;
        }
        if (m_buffer.size() > before) {
          quiet_since = Clock::now();
          continue;
        }  // nothing after all: wait below, as when nothing was waiting
      }
      const std::string tail = tail_line(m_buffer);
      if (!tail.empty()) {
        if (answer_more && !m_profile.more.empty() && m_profile.more.search(tail)) {
          m_buffer.erase(m_buffer.rfind('\n') == std::string::npos ? 0 : m_buffer.rfind('\n') + 1);
          if (ssh_channel_write(m_channel, " ", 1) != 1) {
            return {Stop::error, 0, ssh_get_error(m_ssh)};
          }
          continue;
        }
        // A prompt is the last thing a device sends before it waits: if more is already
        // there, the line only looked like one (a banner line, say).
        if (is_prompt(tail) && waiting == 0) {
          return {Stop::prompt, 0, {}};
        }
        for (std::size_t i = 0; i < patterns.size(); ++i) {
          if (patterns[i]->search(tail)) {
            return {Stop::pattern, i, {}};
          }
        }
      }
      if (m_limits.abandon.stop_requested()) {
        return {Stop::abandoned, 0, {}};
      }
      const auto now = Clock::now();
      if (now >= deadline) {
        return {Stop::total, 0, {}};
      }
      const bool settling = settle.count() > 0 && !tail.empty();
      const auto quiet_limit = settling ? std::min(idle, settle) : idle;
      auto wait = std::chrono::duration_cast<milliseconds>(std::min(deadline, quiet_since + quiet_limit) - now);
      if (m_limits.abandon.stop_possible()) {
        wait = std::min(wait, k_abandon_check);  // wake up to see whether to give up
      }
      const int available =
          ssh_channel_poll_timeout(m_channel, static_cast<int>(std::max<long long>(1, wait.count())), 0);
      if (available == SSH_EOF) {
        return {Stop::eof, 0, {}};
      }
      if (available == SSH_ERROR) {
        return {Stop::error, 0, ssh_get_error(m_ssh)};
      }
      if (available == 0) {
        const auto after = Clock::now();
        if (after >= deadline) {
          return {Stop::total, 0, {}};
        }
        if (after >= quiet_since + quiet_limit) {
          return {Stop::idle, 0, {}};
        }
        continue;
      }
      if (auto stop = read_chunk(limit)) {
        return *stop;
      }
      quiet_since = Clock::now();
    }
  }

  // Appends what the channel has ready (one read) to m_buffer; a Stop when the read ended
  // the wait (an error, the end of the stream, more than `limit` bytes in all).
  std::optional<Stop> read_chunk(std::size_t limit) {
    char chunk[16384];
    const int n = ssh_channel_read_nonblocking(m_channel, chunk, sizeof chunk, 0);
    if (n == SSH_ERROR) {
      return Stop{Stop::error, 0, ssh_get_error(m_ssh)};
    }
    if (n == SSH_EOF) {
      return Stop{Stop::eof, 0, {}};
    }
    m_bytes_read += static_cast<std::size_t>(n);
    m_buffer.append(chunk, static_cast<std::size_t>(n));
    if (m_buffer.size() > limit) {
      return Stop{Stop::too_large, 0, {}};
    }
    return std::nullopt;
  }

  Outcome abandoned() {
    return failure(OutcomeKind::timeout, m_label + ": abandoned because nbsync is shutting down; nothing stored");
  }

  bool is_prompt(const std::string& tail) const {
    if (!m_prompt.empty()) {
      return tail == m_prompt || (m_profile.prompt.search(tail) && tail.rfind(m_prompt_stem, 0) == 0);
    }
    return m_profile.prompt.search(tail);
  }

  void learn_prompt() {
    m_prompt = tail_line(m_buffer);
    // The stem (the prompt without its mode character) stays when enable changes > to #.
    m_prompt_stem = m_prompt.substr(0, std::max<std::size_t>(1, m_prompt.find_last_of(">#%$]") == std::string::npos
                                                                    ? m_prompt.size()
                                                                    : m_prompt.find_last_of(">#%$]")));
  }

  Outcome login_problem(const Stop& stop, const std::string& during) {
    const std::string tail = tail_line(m_buffer);
    switch (stop.kind) {
      case Stop::idle:
      case Stop::total:
        if (!tail.empty()) {
          return failure(OutcomeKind::protocol, m_label + ": unexpected prompt '" + tail.substr(0, 80) + "' " + during +
                                                    " (is the platform in NetBox right? profile " + m_profile.name +
                                                    ")");
        }
        return failure(OutcomeKind::timeout, m_label + ": no prompt within " +
                                                 std::to_string(m_limits.login_timeout.count()) + " ms " + during);
      case Stop::too_large:
        return failure(OutcomeKind::protocol, m_label + ": more than " + std::to_string(k_max_login_bytes) +
                                                  " bytes before the prompt " + during);
      case Stop::eof:
      case Stop::error:
        return failure(OutcomeKind::connect,
                       m_label + ": connection closed " + during + (stop.message.empty() ? "" : ": " + stop.message));
      case Stop::abandoned:
        return abandoned();
      case Stop::prompt:
      case Stop::pattern:
        break;
    }
    return failure(OutcomeKind::protocol, m_label + ": unexpected answer " + during);
  }

  bool send_line(const std::string& line) {
    const std::string data = line + "\n";
    return ssh_channel_write(m_channel, data.data(), static_cast<uint32_t>(data.size())) ==
           static_cast<int>(data.size());
  }

  Outcome read_by_shell() {
    m_channel = ssh_channel_new(m_ssh);
    if (m_channel == nullptr || ssh_channel_open_session(m_channel) != SSH_OK ||
        ssh_channel_request_pty_size(m_channel, "vt100", 511, 24) != SSH_OK ||
        ssh_channel_request_shell(m_channel) != SSH_OK) {
      return failure(OutcomeKind::protocol,
                     m_label + ": the device refused an interactive shell: " + ssh_get_error(m_ssh));
    }
    Stop stop =
        read_until({}, m_limits.login_timeout, m_limits.login_timeout, k_max_login_bytes, true, k_prompt_settle);
    if (stop.kind != Stop::prompt) {
      return login_problem(stop, "after login");
    }
    learn_prompt();
    if (!m_profile.enable_command.empty() && m_profile.unprivileged_prompt.search(m_prompt)) {
      if (auto problem = enable()) {
        return *problem;
      }
    }
    for (const auto& command : m_profile.paging_off) {
      m_buffer.clear();
      send_line(command);
      stop = read_until({}, m_limits.command_idle_timeout, m_limits.command_timeout, k_max_login_bytes, true);
      if (stop.kind != Stop::prompt) {
        return login_problem(stop, "after '" + command + "'");
      }
    }
    std::string config;
    for (const auto& command : m_profile.config_commands) {
      m_buffer.clear();
      if (!send_line(command)) {
        return failure(OutcomeKind::connect, m_label + ": connection lost sending '" + command + "'");
      }
      const std::size_t room = m_limits.max_config_bytes - std::min(config.size(), m_limits.max_config_bytes);
      stop = read_until({}, m_limits.command_idle_timeout, m_limits.command_timeout, room + 4096, true);
      if (auto problem = command_problem(stop, command)) {
        return *problem;
      }
      std::string output = take_command_output(command);
      if (auto refused = refused_by_device(output, command)) {
        return *refused;
      }
      append_output(config, std::move(output));
    }
    send_line(m_profile.exit_command);
    return finish_config(std::move(config));
  }

  std::optional<Outcome> enable() {
    m_buffer.clear();
    send_line(m_profile.enable_command);
    const std::vector<const Pattern*> password_prompt = {&m_profile.enable_password_prompt};
    Stop stop = read_until(password_prompt, m_limits.login_timeout, m_limits.login_timeout, k_max_login_bytes, false);
    if (stop.kind == Stop::pattern) {
      if (m_credentials.enable_secret.empty()) {
        return failure(OutcomeKind::auth, m_label + ": the device asks for an enable secret and none is configured " +
                                              "(credentials.enable_secret_file)");
      }
      m_buffer.clear();
      send_line(m_credentials.enable_secret.reveal());
      stop = read_until(password_prompt, m_limits.login_timeout, m_limits.login_timeout, k_max_login_bytes, false);
    }
    if (stop.kind == Stop::pattern) {
      return failure(OutcomeKind::auth,
                     m_label + ": enable secret refused; check credentials.enable_secret_file for this device");
    }
    if (stop.kind != Stop::prompt) {
      return login_problem(stop, "after enable");
    }
    const std::string prompt = tail_line(m_buffer);
    if (m_profile.unprivileged_prompt.search(prompt)) {
      return failure(OutcomeKind::auth,
                     m_label + ": enable refused (still at '" + prompt + "'); check the enable secret");
    }
    learn_prompt();
    return std::nullopt;
  }

  std::optional<Outcome> command_problem(const Stop& stop, const std::string& command) {
    const std::string bytes = std::to_string(m_buffer.size());
    switch (stop.kind) {
      case Stop::prompt:
        return std::nullopt;
      case Stop::too_large:
        return failure(OutcomeKind::too_large,
                       m_label + ": '" + command + "' printed more than ssh.max_config_bytes (" +
                           std::to_string(m_limits.max_config_bytes) + "); raise it if the config is really that big");
      case Stop::idle:
        return failure(OutcomeKind::timeout, m_label + ": '" + command + "' went silent for " +
                                                 std::to_string(m_limits.command_idle_timeout.count()) + " ms after " +
                                                 bytes + " bytes");
      case Stop::total:
        return failure(OutcomeKind::timeout, m_label + ": '" + command + "' did not finish within " +
                                                 std::to_string(m_limits.command_timeout.count()) + " ms (" + bytes +
                                                 " bytes so far)");
      case Stop::eof:
      case Stop::error:
        return failure(OutcomeKind::incomplete, m_label + ": connection dropped during '" + command + "' after " +
                                                    bytes + " bytes; nothing stored");
      case Stop::abandoned:
        return abandoned();
      case Stop::pattern:
        break;
    }
    return failure(OutcomeKind::protocol, m_label + ": unexpected answer to '" + command + "'");
  }

  // The command's output, taken out of m_buffer (a config is not held twice): without the
  // echoed command line and the prompt after it.
  std::string take_command_output(const std::string& command) {
    const auto last_newline = m_buffer.rfind('\n');
    std::string output = std::move(m_buffer);
    m_buffer.clear();
    output.resize(last_newline == std::string::npos ? 0 : last_newline + 1);
    const auto first_end = output.find('\n');
    if (first_end != std::string::npos &&
        clean_terminal_line(std::string_view(output).substr(0, first_end)).find(command) != std::string::npos) {
      output.erase(0, first_end + 1);
    }
    return output;
  }

  std::optional<Outcome> refused_by_device(const std::string& output, const std::string& command) const {
    if (m_profile.error.empty()) {
      return std::nullopt;
    }
    std::size_t start = 0;
    for (int line = 0; line < 5 && start < output.size(); ++line) {
      const auto end = output.find('\n', start);
      const std::string text = clean_terminal_line(
          std::string_view(output).substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (m_profile.error.search(text)) {
        return failure(OutcomeKind::protocol,
                       m_label + ": the device refused '" + command + "': " + text.substr(0, 120));
      }
      if (end == std::string::npos) {
        break;
      }
      start = end + 1;
    }
    return std::nullopt;
  }

  Outcome finish_config(std::string config) {
    if (!m_profile.config_start.empty()) {
      std::size_t start = 0;
      while (start < config.size()) {
        const auto end = config.find('\n', start);
        if (m_profile.config_start.search(clean_terminal_line(std::string_view(config).substr(start, end - start)))) {
          break;
        }
        start = end == std::string::npos ? config.size() : end + 1;
      }
      config.erase(0, start);
    }
    if (!m_profile.config_end.empty()) {
      // The end marker closes the config: look for it from the end.
      bool found = false;
      std::size_t line_end = config.size();
      while (!found && line_end > 0) {
        if (config[line_end - 1] == '\n') {
          --line_end;  // the newline that ends this line
        }
        const auto newline = line_end == 0 ? std::string::npos : config.rfind('\n', line_end - 1);
        const std::size_t from = newline == std::string::npos ? 0 : newline + 1;
        found =
            m_profile.config_end.search(clean_terminal_line(std::string_view(config).substr(from, line_end - from)));
        line_end = from;
      }
      if (!found) {
        return failure(OutcomeKind::incomplete, m_label + ": the config has no end marker ('" +
                                                    m_profile.config_end.source() + "') after " +
                                                    std::to_string(config.size()) + " bytes; nothing stored");
      }
    }
    if (config.find_first_not_of(" \r\n\t") == std::string::npos) {
      return failure(OutcomeKind::incomplete, m_label + ": the device printed an empty config; nothing stored");
    }
    m_config = std::move(config);
    return Outcome{OutcomeKind::ok, "", 1};
  }

  Outcome read_by_exec() {
    std::string config;
    for (const auto& command : m_profile.config_commands) {
      if (m_channel != nullptr) {
        ssh_channel_close(m_channel);
        ssh_channel_free(m_channel);
      }
      m_channel = ssh_channel_new(m_ssh);
      if (m_channel == nullptr || ssh_channel_open_session(m_channel) != SSH_OK ||
          ssh_channel_request_exec(m_channel, command.c_str()) != SSH_OK) {
        return failure(OutcomeKind::protocol,
                       m_label + ": the device refused to run '" + command + "': " + ssh_get_error(m_ssh));
      }
      m_buffer.clear();
      const std::size_t room = m_limits.max_config_bytes - std::min(config.size(), m_limits.max_config_bytes);
      const Stop stop = read_until({}, m_limits.command_idle_timeout, m_limits.command_timeout, room + 1, false);
      if (stop.kind == Stop::eof) {
        // Drain what arrived with the EOF, then the exit status says whether it finished.
        char chunk[16384];
        int n = 0;
        while ((n = ssh_channel_read_nonblocking(m_channel, chunk, sizeof chunk, 0)) > 0) {
          m_buffer.append(chunk, static_cast<std::size_t>(n));
          m_bytes_read += static_cast<std::size_t>(n);
        }
        const int status = ssh_channel_get_exit_status(m_channel);
        if (status != 0) {
          return failure(status < 0 ? OutcomeKind::incomplete : OutcomeKind::protocol,
                         m_label + ": '" + command + "' ended " +
                             (status < 0 ? "without an exit status (connection dropped?); nothing stored"
                                         : "with exit status " + std::to_string(status)));
        }
        if (m_buffer.size() > room) {
          return failure(OutcomeKind::too_large,
                         m_label + ": '" + command + "' printed more than ssh.max_config_bytes");
        }
        append_output(config, std::move(m_buffer));
        m_buffer.clear();
        continue;
      }
      if (stop.kind == Stop::prompt || stop.kind == Stop::pattern) {
        continue;  // exec has no prompt; cannot happen without patterns
      }
      if (auto problem = command_problem(stop, command)) {
        return *problem;
      }
    }
    return finish_config(std::move(config));
  }

  const inventory::Device& m_device;
  const PlatformProfile& m_profile;
  const Credentials& m_credentials;
  const SessionLimits& m_limits;
  const std::string m_label;
  ssh_session m_ssh = nullptr;
  ssh_channel m_channel = nullptr;
  std::string m_buffer;
  std::string m_prompt;
  std::string m_prompt_stem;
  std::string m_config;
  std::size_t m_bytes_read = 0;
};

}  // namespace

FetchResult fetch_config(const inventory::Device& device, const PlatformProfile& profile,
                         const Credentials& credentials, const SessionLimits& limits, HostKeyVerifier& verifier) {
  Session session(device, profile, credentials, limits);
  return session.run(verifier);
}

}  // namespace nbsync::backup
