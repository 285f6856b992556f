#include "backup/detail/shell_dialogue.hpp"

#include <libssh/libssh.h>

#include <algorithm>

#include "backup/detail/read_failure.hpp"
#include "backup/detail/typed_ahead.hpp"

namespace nbsync::backup::detail {
namespace {

constexpr std::size_t k_max_login_bytes = 4u << 20;  // banners and MOTDs bigger than this are a fault

// How long an unrecognised last line may sit unchanged at login before it counts as a
// prompt nbsync does not know (a console-server menu, a wrong platform in NetBox).
constexpr std::chrono::milliseconds k_prompt_settle{3000};

// How long a device that shows its bare prompt with typed-ahead commands unanswered may
// take to echo the next one before they count as dropped.
constexpr std::chrono::milliseconds k_echo_grace{250};

std::vector<std::string> commands_after_login(const PlatformProfile& profile) {
  std::vector<std::string> commands = profile.paging_off;
  commands.insert(commands.end(), profile.config_commands.begin(), profile.config_commands.end());
  return commands;
}

}  // namespace

ShellDialogue::ShellDialogue(SshTransport& transport, const PlatformProfile& profile, const Credentials& credentials,
                             const SessionLimits& limits, const std::string& label)
    : m_transport(transport),
      m_profile(profile),
      m_credentials(credentials),
      m_limits(limits),
      m_label(label),
      m_commands(commands_after_login(profile)) {}

ConfigRead ShellDialogue::run() {
  ConfigRead result;
  result.outcome = converse(result.config);
  result.bytes_read = m_reader ? m_reader->bytes_read() : 0;
  result.round_trips = m_round_trips;
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
  std::string read;
  if (auto problem = m_profile.type_ahead ? read_typed_ahead(read) : read_step_by_step(read)) {
    return *problem;
  }
  if (auto problem = finish_config(read, m_profile, m_label)) {
    return *problem;
  }
  config = std::move(read);
  return Outcome{OutcomeKind::ok, ""};
}

// A pty (wide, so the device does not wrap lines) and a shell, read up to the first prompt.
std::optional<Outcome> ShellDialogue::open_shell() {
  m_channel = m_transport.open_channel();
  m_round_trips += 3;  // the channel, the pty, the shell (its answer: the first prompt)
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
  ++m_round_trips;
  ReadStop stop = m_reader->read(goal);
  if (stop.end == ReadEnd::question) {
    if (m_credentials.enable_secret.empty()) {
      return Outcome{OutcomeKind::auth, m_label + ": the device asks for an enable secret and none is configured " +
                                            "(credentials.enable_secret_file)"};
    }
    m_reader->clear();
    send_line(m_credentials.enable_secret.reveal());
    ++m_round_trips;
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

// Each command after login sent on its own once the prompt is back, then exit.
std::optional<Outcome> ShellDialogue::read_step_by_step(std::string& config) {
  for (std::size_t i = 0; i < m_commands.size(); ++i) {
    if (auto problem = run_step(i, config)) {
      return problem;
    }
  }
  send_line(m_profile.exit_command);
  return std::nullopt;
}

// Paging off, the config commands and exit in one write; what they printed, split at the
// prompts. The commands a device dropped are sent again one at a time.
std::optional<Outcome> ShellDialogue::read_typed_ahead(std::string& config) {
  std::string typed;
  for (const auto& command : m_commands) {
    typed += command + "\n";
  }
  m_reader->clear();
  if (!send_line(typed + m_profile.exit_command)) {
    return Outcome{OutcomeKind::connect, m_label + ": connection lost typing the commands ahead"};
  }
  ++m_round_trips;
  std::vector<std::string_view> outputs;
  bool dropped = false;
  if (auto problem = wait_typed_ahead(outputs, dropped)) {
    return problem;
  }
  if (auto problem = take_typed_outputs(outputs, config)) {
    return problem;
  }
  for (std::size_t i = outputs.size(); i < m_commands.size(); ++i) {
    if (auto problem = run_step(i, config)) {
      return problem;
    }
  }
  if (dropped || outputs.size() < m_commands.size()) {
    send_line(m_profile.exit_command);  // it was dropped too, or eaten by a pager
  }
  return std::nullopt;
}

// Reads until every typed command is answered (the session ends after exit), or the device
// waits at its prompt with some unanswered (`dropped`: they are to be sent again).
std::optional<Outcome> ShellDialogue::wait_typed_ahead(std::vector<std::string_view>& outputs, bool& dropped) {
  const std::size_t limit = m_limits.max_config_bytes + k_max_login_bytes;
  while (true) {
    const ReadStop stop = m_reader->read({.idle = m_limits.command_idle_timeout,
                                          .total = m_limits.command_timeout,
                                          .limit = limit,
                                          .answer_pager = true});
    outputs = split_typed_ahead(m_reader->buffer(), m_reader->prompt(), m_commands, m_profile.exit_command);
    const bool all = outputs.size() == m_commands.size();
    if (stop.end == ReadEnd::prompt && !all && m_reader->more_within(k_echo_grace)) {
      continue;  // the next echo was on its way
    }
    if (stop.end == ReadEnd::prompt || (all && stop.end != ReadEnd::too_large && stop.end != ReadEnd::abandoned)) {
      dropped = !all || stop.end == ReadEnd::prompt;
      return std::nullopt;
    }
    const std::string& pending = m_commands[all ? m_commands.size() - 1 : outputs.size()];
    if (auto problem = command_failure(stop, pending, m_reader->buffer().size(), m_limits, m_label)) {
      return problem;
    }
    return Outcome{OutcomeKind::protocol, m_label + ": unexpected answer to '" + pending + "'"};
  }
}

// The outputs of the config commands among `outputs` (in m_commands' order) added to `config`.
std::optional<Outcome> ShellDialogue::take_typed_outputs(const std::vector<std::string_view>& outputs,
                                                         std::string& config) {
  for (std::size_t i = m_profile.paging_off.size(); i < outputs.size(); ++i) {
    if (auto problem = take_output(std::string(outputs[i]), m_commands[i], config)) {
      return problem;
    }
  }
  return std::nullopt;
}

std::optional<Outcome> ShellDialogue::run_step(std::size_t index, std::string& config) {
  const std::string& command = m_commands[index];
  const bool paging = index < m_profile.paging_off.size();
  m_reader->clear();
  if (!send_line(command)) {
    return Outcome{OutcomeKind::connect, m_label + ": connection lost sending '" + command + "'"};
  }
  ++m_round_trips;
  const std::size_t room = m_limits.max_config_bytes - std::min(config.size(), m_limits.max_config_bytes);
  const ReadStop stop = m_reader->read({.idle = m_limits.command_idle_timeout,
                                        .total = m_limits.command_timeout,
                                        .limit = paging ? k_max_login_bytes : room + 4096,
                                        .answer_pager = true});
  if (paging) {
    return stop.end == ReadEnd::prompt ? std::nullopt : std::optional(login_problem(stop, "after '" + command + "'"));
  }
  if (auto problem = command_failure(stop, command, m_reader->buffer().size(), m_limits, m_label)) {
    return problem;
  }
  return take_output(m_reader->take_buffer(), command, config);
}

// One config command's output (from its echo up to the prompt after it), added to `config`
// unless the device refused the command.
std::optional<Outcome> ShellDialogue::take_output(std::string output, const std::string& command,
                                                  std::string& config) const {
  strip_echo_and_prompt(output, command);
  if (auto refused = refusal_line(output, m_profile.error)) {
    return Outcome{OutcomeKind::protocol,
                   m_label + ": the device refused '" + command + "': " + refused->substr(0, 120)};
  }
  if (config.size() + output.size() > m_limits.max_config_bytes + 4096) {
    return command_failure({ReadEnd::too_large, {}}, command, output.size(), m_limits, m_label);
  }
  append_output(config, std::move(output));
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
