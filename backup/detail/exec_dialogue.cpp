#include "backup/detail/exec_dialogue.hpp"

#include <libssh/libssh.h>

#include <algorithm>

#include "backup/detail/read_failure.hpp"

namespace nbsync::backup::detail {

ExecDialogue::ExecDialogue(SshTransport& transport, const PlatformProfile& profile, const SessionLimits& limits,
                           const std::string& label)
    : m_transport(transport), m_profile(profile), m_limits(limits), m_label(label) {}

ConfigRead ExecDialogue::run() {
  ConfigRead result;
  std::string config;
  for (const auto& command : m_profile.config_commands) {
    if (auto problem = run_command(command, config)) {
      result.outcome = std::move(*problem);
      result.bytes_read = m_bytes_read;
      result.round_trips = m_round_trips;
      result.exec_refused = m_refused;
      return result;
    }
  }
  result.bytes_read = m_bytes_read;
  result.round_trips = m_round_trips;
  if (auto problem = finish_config(config, m_profile, m_label)) {
    result.outcome = std::move(*problem);
    return result;
  }
  result.outcome = Outcome{OutcomeKind::ok, ""};
  result.config = std::move(config);
  return result;
}

// One exec request on a channel of its own; its output, when complete, is added to `config`.
std::optional<Outcome> ExecDialogue::run_command(const std::string& command, std::string& config) {
  m_channel.close();  // the previous command's
  m_channel = m_transport.open_channel();
  m_round_trips += 2;  // the channel, the exec request (its answer: the output)
  if (m_channel.get() == nullptr || ssh_channel_request_exec(m_channel.get(), command.c_str()) != SSH_OK) {
    m_refused = true;
    return Outcome{OutcomeKind::protocol,
                   m_label + ": the device refused to run '" + command + "': " + m_transport.error()};
  }
  const std::size_t room = m_limits.max_config_bytes - std::min(config.size(), m_limits.max_config_bytes);
  std::string output;
  const ReadStop stop = read_output(room + 1, output);
  if (stop.end == ReadEnd::prompt || stop.end == ReadEnd::question) {
    return std::nullopt;  // exec has no prompt; a last line that looks like one ends the read
  }
  if (stop.end != ReadEnd::eof) {
    return command_failure(stop, command, output.size(), m_limits, m_label);
  }
  // The exit status says whether the command finished.
  const int status = ssh_channel_get_exit_status(m_channel.get());
  if (status != 0) {
    m_refused = status > 0;
    return Outcome{status < 0 ? OutcomeKind::incomplete : OutcomeKind::protocol,
                   m_label + ": '" + command + "' ended " +
                       (status < 0 ? "without an exit status (connection dropped?); nothing stored"
                                   : "with exit status " + std::to_string(status))};
  }
  if (output.size() > room) {
    return Outcome{OutcomeKind::too_large, m_label + ": '" + command + "' printed more than ssh.max_config_bytes"};
  }
  if (auto refused = refusal_line(output, m_profile.error)) {
    m_refused = true;  // a privilege error, as IOS prints one at privilege 1
    return Outcome{OutcomeKind::protocol,
                   m_label + ": the device refused '" + command + "' over exec: " + refused->substr(0, 120)};
  }
  append_output(config, std::move(output));
  return std::nullopt;
}

// Reads the command's output until the end of its stream (and what arrived with it).
ReadStop ExecDialogue::read_output(std::size_t limit, std::string& output) {
  PromptReader reader(m_channel.get(), m_profile, m_limits.abandon, m_limits.memory);
  const ReadStop stop =
      reader.read({.idle = m_limits.command_idle_timeout, .total = m_limits.command_timeout, .limit = limit});
  if (stop.end == ReadEnd::eof) {
    reader.drain();
  }
  m_bytes_read += reader.bytes_read();
  output = reader.take_buffer();
  return stop;
}

}  // namespace nbsync::backup::detail
