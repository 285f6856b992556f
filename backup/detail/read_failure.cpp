#include "backup/detail/read_failure.hpp"

namespace nbsync::backup::detail {

Outcome abandoned(const std::string& label) {
  Outcome outcome{OutcomeKind::timeout, label + ": abandoned because nbsync is shutting down; nothing stored"};
  outcome.abandoned = true;
  return outcome;
}

std::optional<Outcome> command_failure(const ReadStop& stop, const std::string& command, std::size_t bytes,
                                       const SessionLimits& limits, const std::string& label) {
  const std::string so_far = std::to_string(bytes);
  switch (stop.end) {
    case ReadEnd::prompt:
      return std::nullopt;
    case ReadEnd::too_large:
      return Outcome{OutcomeKind::too_large, label + ": '" + command + "' printed more than ssh.max_config_bytes (" +
                                                 std::to_string(limits.max_config_bytes) +
                                                 "); raise it if the config is really that big"};
    case ReadEnd::idle:
      return Outcome{OutcomeKind::timeout, label + ": '" + command + "' went silent for " +
                                               std::to_string(limits.command_idle_timeout.count()) + " ms after " +
                                               so_far + " bytes"};
    case ReadEnd::deadline:
      return Outcome{OutcomeKind::timeout, label + ": '" + command + "' did not finish within " +
                                               std::to_string(limits.command_timeout.count()) + " ms (" + so_far +
                                               " bytes so far)"};
    case ReadEnd::eof:
    case ReadEnd::error:
      return Outcome{OutcomeKind::incomplete, label + ": connection dropped during '" + command + "' after " + so_far +
                                                  " bytes; nothing stored"};
    case ReadEnd::abandoned:
      return abandoned(label);
    case ReadEnd::question:
      break;
  }
  return Outcome{OutcomeKind::protocol, label + ": unexpected answer to '" + command + "'"};
}

}  // namespace nbsync::backup::detail
