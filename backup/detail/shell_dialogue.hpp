#pragma once
// Reads a config through an interactive shell on a pty: the first prompt is learned (an
// unknown last line that sits still for 3 s ends the wait), enable when the prompt is
// unprivileged, paging off, each config command read up to the prompt with the pager
// answered, then exit. The config is kept only when it arrived whole and checked.
#include <optional>
#include <string>

#include "backup/credentials.hpp"
#include "backup/detail/config_text.hpp"
#include "backup/detail/prompt_reader.hpp"
#include "backup/detail/ssh_transport.hpp"
#include "backup/device_session.hpp"
#include "backup/platform_profile.hpp"

namespace nbsync::backup::detail {

class ShellDialogue {
public:
  // `transport` is logged in. All arguments must outlive the dialogue.
  ShellDialogue(SshTransport& transport, const PlatformProfile& profile, const Credentials& credentials,
                const SessionLimits& limits, const std::string& label);

  ConfigRead run();

private:
  Outcome converse(std::string& config);
  std::optional<Outcome> open_shell();
  std::optional<Outcome> enable();
  std::optional<Outcome> turn_paging_off();
  std::optional<Outcome> read_config(std::string& config);
  Outcome login_problem(const ReadStop& stop, const std::string& during) const;
  bool send_line(const std::string& line);

  SshTransport& m_transport;
  const PlatformProfile& m_profile;
  const Credentials& m_credentials;
  const SessionLimits& m_limits;
  const std::string& m_label;
  SshChannel m_channel;
  std::optional<PromptReader> m_reader;  // once the shell is open
};

}  // namespace nbsync::backup::detail
