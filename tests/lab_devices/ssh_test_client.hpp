#pragma once
// A small blocking libssh client for the lab device tests: connect (TCP_NODELAY, no known
// hosts), authenticate, then either an interactive shell (optionally with a pty) read with
// deadlines, or one exec request. Every read has a deadline, so a hung device fails a test
// instead of hanging it. Throws std::runtime_error on setup failures.
#include <libssh/libssh.h>

#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

namespace nbsync::test {

class SshTestClient {
public:
  using Clock = std::chrono::steady_clock;

  SshTestClient(const std::string& host, std::uint16_t port, long connect_timeout_s = 5) {
    m_session = ssh_new();
    const int verbosity = SSH_LOG_NOLOG;
    const int nodelay = 1;
    const int no = 0;
    ssh_options_set(m_session, SSH_OPTIONS_HOST, host.c_str());
    const unsigned int p = port;
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &p);
    ssh_options_set(m_session, SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
    ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &connect_timeout_s);
    ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &nodelay);
    ssh_options_set(m_session, SSH_OPTIONS_STRICTHOSTKEYCHECK, &no);
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, "/dev/null");
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
    bool process_config = false;
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &process_config);
    if (ssh_connect(m_session) != SSH_OK) {
      m_error = ssh_get_error(m_session);
      ssh_free(m_session);
      m_session = nullptr;
      throw std::runtime_error("ssh connect to " + host + ":" + std::to_string(port) + " failed: " + m_error);
    }
  }
  ~SshTestClient() {
    if (m_channel != nullptr) {
      ssh_channel_free(m_channel);
    }
    if (m_session != nullptr) {
      ssh_disconnect(m_session);
      ssh_free(m_session);
    }
  }
  SshTestClient(const SshTestClient&) = delete;
  SshTestClient& operator=(const SshTestClient&) = delete;

  ssh_session session() { return m_session; }

  std::string host_key_fingerprint() {
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(m_session, &key) != SSH_OK) {
      return {};
    }
    unsigned char* hash = nullptr;
    size_t length = 0;
    ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length);
    char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
    std::string fingerprint = text;
    ssh_string_free_char(text);
    ssh_clean_pubkey_hash(&hash);
    ssh_key_free(key);
    return fingerprint;
  }

  bool password(const std::string& user, const std::string& password) {
    return ssh_userauth_password(m_session, user.c_str(), password.c_str()) == SSH_AUTH_SUCCESS;
  }
  bool public_key(const std::string& user, ssh_key key) {
    return ssh_userauth_publickey(m_session, user.c_str(), key) == SSH_AUTH_SUCCESS;
  }
  bool keyboard_interactive(const std::string& user, const std::string& password) {
    int rc = ssh_userauth_kbdint(m_session, user.c_str(), nullptr);
    for (int round = 0; rc == SSH_AUTH_INFO && round < 4; ++round) {
      const int prompts = ssh_userauth_kbdint_getnprompts(m_session);
      for (int i = 0; i < prompts; ++i) {
        ssh_userauth_kbdint_setanswer(m_session, static_cast<unsigned>(i), password.c_str());
      }
      rc = ssh_userauth_kbdint(m_session, user.c_str(), nullptr);
    }
    return rc == SSH_AUTH_SUCCESS;
  }
  // Bit mask of SSH_AUTH_METHOD_* the server offers (after a failed attempt).
  int offered_methods() { return ssh_userauth_list(m_session, nullptr); }

  void open_shell(bool pty = true, int rows = 24) {
    open_channel();
    if (pty && ssh_channel_request_pty_size(m_channel, "vt100", 200, rows) != SSH_OK) {
      throw std::runtime_error("pty request refused");
    }
    if (ssh_channel_request_shell(m_channel) != SSH_OK) {
      throw std::runtime_error("shell request refused");
    }
  }

  // Returns false when the server refused the exec request.
  bool start_exec(const std::string& command) {
    open_channel();
    return ssh_channel_request_exec(m_channel, command.c_str()) == SSH_OK;
  }

  void write(const std::string& data) {
    if (ssh_channel_write(m_channel, data.data(), static_cast<uint32_t>(data.size())) !=
        static_cast<int>(data.size())) {
      throw std::runtime_error("ssh write failed");
    }
  }

  // Reads until `done(buffer)` is true, EOF, an error, or the timeout. Returns everything read
  // since the last read_until (also on timeout; timed_out() tells).
  std::string read_until(const std::function<bool(const std::string&)>& done, std::chrono::milliseconds timeout,
                         std::size_t limit = 64 * 1024 * 1024) {
    const auto deadline = Clock::now() + timeout;
    m_timed_out = false;
    std::string out;
    char buffer[65536];
    while (!done(out)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        m_timed_out = true;
        break;
      }
      if (out.size() >= limit) {
        break;
      }
      const int n = ssh_channel_read_timeout(m_channel, buffer, sizeof buffer, 0,
                                             static_cast<int>(std::min<long long>(left, 200)));
      if (n > 0) {
        out.append(buffer, static_cast<std::size_t>(n));
      } else if (n == SSH_ERROR || (n == 0 && (ssh_channel_is_eof(m_channel) || ssh_channel_is_closed(m_channel)))) {
        m_closed = true;
        break;
      }
    }
    return out;
  }
  std::string read_until(const std::string& marker, std::chrono::milliseconds timeout) {
    return read_until([&](const std::string& s) { return s.find(marker) != std::string::npos; }, timeout);
  }
  // Until the output ends with `suffix` (a prompt).
  std::string read_until_suffix(const std::string& suffix, std::chrono::milliseconds timeout) {
    return read_until(
        [&](const std::string& s) {
          return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
        },
        timeout);
  }
  std::string read_for(std::chrono::milliseconds duration) {
    return read_until([](const std::string&) { return false; }, duration);
  }
  bool timed_out() const { return m_timed_out; }
  bool closed() const { return m_closed; }
  int exit_status() { return ssh_channel_get_exit_status(m_channel); }

private:
  void open_channel() {
    m_channel = ssh_channel_new(m_session);
    if (m_channel == nullptr || ssh_channel_open_session(m_channel) != SSH_OK) {
      throw std::runtime_error("cannot open a session channel");
    }
  }

  ssh_session m_session = nullptr;
  ssh_channel m_channel = nullptr;
  std::string m_error;
  bool m_timed_out = false;
  bool m_closed = false;
};

// "\r\n" -> "\n".
inline std::string unix_lines(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      continue;
    }
    out.push_back(s[i]);
  }
  return out;
}

}  // namespace nbsync::test
