#include "backup/detail/shell_dialogue.hpp"

#include <libssh/libssh.h>

#include <algorithm>

#include "backup/detail/read_failure.hpp"

namespace nbsync::backup::detail {
namespace {

constexpr std::size_t k_max_login_bytes = 4u << 20;  // banners and MOTDs bigger than this are a fault

// How long an unrecognised last line may sit unchanged at login before it counts as a
// prompt nbsync does not know (a console-server menu, a wrong platform in NetBox).
constexpr std::chrono::milliseconds k_prompt_settle{3000};

}  // namespace

ShellDialogue::ShellDialogue(SshTransport& transport, const PlatformProfile& profile, const Credentials& credentials,
                             const SessionLimits& limits, const std::string& label)
    : m_transport(transport), m_profile(profile), m_credentials(credentials), m_limits(limits), m_label(label) {}

ConfigRead ShellDialogue::run() {
  ConfigRead result;
  result.outcome = converse(result.config);
  result.bytes_read = m_reader ? m_reader->bytes_read() : 0;
  return result;
}

// The whole dialogue; `config` is set only when it ends ok.
Outcome ShellDialogue::converse(std::string& config) {
  if (auto problem = open_shell()) {
    return *problem;
  }
  if (!m_profile.enable_command.empty() && m_profile.unprivileged_prompt.search(m_reader->prompt())) {
    if (auto problem = enable()) {
      return *problem;
    }
  }
  if (auto problem = turn_paging_off()) {
    return *problem;
  }
  std::string read;
  if (auto problem = read_config(read)) {
    return *problem;
  }
  send_line(m_profile.exit_command);
  if (auto problem = finish_config(read, m_profile, m_label)) {
    return *problem;
  }
  config = std::move(read);
  return Outcome{OutcomeKind::ok, ""};
}

// A pty (wide, so the device does not wrap lines) and a shell, read up to the first prompt.
std::optional<Outcome> ShellDialogue::open_shell() {
  m_channel = m_transport.open_channel();
  if (m_channel.get() == nullptr || ssh_channel_request_pty_size(m_channel.get(), "vt100", 511, 24) != SSH_OK ||
      ssh_channel_request_shell(m_channel.get()) != SSH_OK) {
    return Outcome{OutcomeKind::protocol,
                   m_label + ": the device refused an interactive shell: " + m_transport.error()};
  }
  m_reader.emplace(m_channel.get(), m_profile, m_limits.abandon, m_limits.memory);
  const ReadStop stop = m_reader->read({.idle = m_limits.login_timeout,
                                        .total = m_limits.login_timeout,
                                        .limit = k_max_login_bytes,
                                        .answer_pager = true,
                                        .settle = k_prompt_settle});
  if (stop.end != ReadEnd::prompt) {
    return login_problem(stop, "after login");
  }
  m_reader->learn_prompt();
  return std::nullopt;
}

std::optional<Outcome> ShellDialogue::enable() {
  const ReadGoal goal{.idle = m_limits.login_timeout,
                      .total = m_limits.login_timeout,
                      .limit = k_max_login_bytes,
                      .question = &m_profile.enable_password_prompt};
  m_reader->clear();
  send_line(m_profile.enable_command);
  ReadStop stop = m_reader->read(goal);
  if (stop.end == ReadEnd::question) {
    if (m_credentials.enable_secret.empty()) {
      return Outcome{OutcomeKind::auth, m_label + ": the device asks for an enable secret and none is configured " +
                                            "(credentials.enable_secret_file)"};
    }
    m_reader->clear();
    send_line(m_credentials.enable_secret.reveal());
    stop = m_reader->read(goal);
  }
  if (stop.end == ReadEnd::question) {
    return Outcome{OutcomeKind::auth,
                   m_label + ": enable secret refused; check credentials.enable_secret_file for this device"};
  }
  if (stop.end != ReadEnd::prompt) {
    return login_problem(stop, "after enable");
  }
  const std::string prompt = tail_line(m_reader->buffer());
  if (m_profile.unprivileged_prompt.search(prompt)) {
    return Outcome{OutcomeKind::auth,
                   m_label + ": enable refused (still at '" + prompt + "'); check the enable secret"};
  }
  m_reader->learn_prompt();
  return std::nullopt;
}

std::optional<Outcome> ShellDialogue::turn_paging_off() {
  for (const auto& command : m_profile.paging_off) {
    m_reader->clear();
    send_line(command);
    const ReadStop stop = m_reader->read({.idle = m_limits.command_idle_timeout,
                                          .total = m_limits.command_timeout,
                                          .limit = k_max_login_bytes,
                                          .answer_pager = true});
    if (stop.end != ReadEnd::prompt) {
      return login_problem(stop, "after '" + command + "'");
    }
  }
  return std::nullopt;
}

// Each config command, its output read up to the prompt and added to `config`.
std::optional<Outcome> ShellDialogue::read_config(std::string& config) {
  for (const auto& command : m_profile.config_commands) {
    m_reader->clear();
    if (!send_line(command)) {
      return Outcome{OutcomeKind::connect, m_label + ": connection lost sending '" + command + "'"};
    }
    const std::size_t room = m_limits.max_config_bytes - std::min(config.size(), m_limits.max_config_bytes);
    const ReadStop stop = m_reader->read({.idle = m_limits.command_idle_timeout,
                                          .total = m_limits.command_timeout,
                                          .limit = room + 4096,
                                          .answer_pager = true});
    if (auto problem = command_failure(stop, command, m_reader->buffer().size(), m_limits, m_label)) {
      return problem;
    }
    std::string output = m_reader->take_buffer();
    strip_echo_and_prompt(output, command);
    if (auto refused = refusal_line(output, m_profile.error)) {
      return Outcome{OutcomeKind::protocol,
                     m_label + ": the device refused '" + command + "': " + refused->substr(0, 120)};
    }
    append_output(config, std::move(output));
  }
  return std::nullopt;
}

// A read during login that did not end at the prompt: a prompt nbsync does not know, no
// prompt at all, too much text, or the connection closed.
Outcome ShellDialogue::login_problem(const ReadStop& stop, const std::string& during) const {
  const std::string tail = tail_line(m_reader->buffer());
  switch (stop.end) {
    case ReadEnd::idle:
    case ReadEnd::deadline:
      if (!tail.empty()) {
        return Outcome{OutcomeKind::protocol, m_label + ": unexpected prompt '" + tail.substr(0, 80) + "' " + during +
                                                  " (is the platform in NetBox right? profile " + m_profile.name + ")"};
      }
      return Outcome{OutcomeKind::timeout, m_label + ": no prompt within " +
                                               std::to_string(m_limits.login_timeout.count()) + " ms " + during};
    case ReadEnd::too_large:
      return Outcome{OutcomeKind::protocol, m_label + ": more than " + std::to_string(k_max_login_bytes) +
                                                " bytes before the prompt " + during};
    case ReadEnd::eof:
    case ReadEnd::error:
      return Outcome{OutcomeKind::connect,
                     m_label + ": connection closed " + during + (stop.error.empty() ? "" : ": " + stop.error)};
    case ReadEnd::abandoned:
      return abandoned(m_label);
    case ReadEnd::prompt:
    case ReadEnd::question:
      break;
  }
  return Outcome{OutcomeKind::protocol, m_label + ": unexpected answer " + during};
}

bool ShellDialogue::send_line(const std::string& line) {
  const std::string data = line + "\n";
  return ssh_channel_write(m_channel.get(), data.data(), static_cast<uint32_t>(data.size())) ==
         static_cast<int>(data.size());
}

}  // namespace nbsync::backup::detail
