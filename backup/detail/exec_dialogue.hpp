#pragma once
// Reads a config through SSH exec requests, one channel per config command: each command's
// output is read to the end of its stream, and counts only with exit status 0 and no line
// of the profile's `error` at its start. The config is
// kept only when every command finished and it passes the profile's checks (config_text).
#include <cstddef>
#include <optional>
#include <string>

#include "backup/detail/config_text.hpp"
#include "backup/detail/prompt_reader.hpp"
#include "backup/detail/ssh_transport.hpp"
#include "backup/device_session.hpp"
#include "backup/platform_profile.hpp"

namespace nbsync::backup::detail {

class ExecDialogue {
public:
  // `transport` is logged in. All arguments must outlive the dialogue.
  ExecDialogue(SshTransport& transport, const PlatformProfile& profile, const SessionLimits& limits,
               const std::string& label);

  ConfigRead run();

private:
  std::optional<Outcome> run_command(const std::string& command, std::string& config);
  ReadStop read_output(std::size_t limit, std::string& output);

  SshTransport& m_transport;
  const PlatformProfile& m_profile;
  const SessionLimits& m_limits;
  const std::string& m_label;
  SshChannel m_channel;
  std::size_t m_bytes_read = 0;
  int m_round_trips = 0;
  bool m_refused = false;  // the request refused, or the command failed for want of privilege
};

}  // namespace nbsync::backup::detail
