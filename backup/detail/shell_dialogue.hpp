#pragma once
// Reads a config through an interactive shell on a pty: the first prompt is learned (an
// unknown last line that sits still for 3 s ends the wait), enable when the prompt is
// unprivileged, paging off, each config command read up to the prompt with the pager
// answered, then exit. With the profile's type_ahead, the commands after enable (and exit)
// go in one write and their outputs are told apart by the prompts between them; a device
// that dropped what was typed ahead gets the rest one command at a time. The config is kept
// only when it arrived whole and checked.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
  std::optional<Outcome> read_step_by_step(std::string& config);
  std::optional<Outcome> read_typed_ahead(std::string& config);
  std::optional<Outcome> take_typed_outputs(const std::vector<std::string_view>& outputs, std::string& config);
  std::optional<Outcome> wait_typed_ahead(std::vector<std::string_view>& outputs, bool& dropped);
  // Command `index` of commands() (paging off first, then the config commands), sent and
  // read up to the prompt; a config command's output is added to `config`.
  std::optional<Outcome> run_step(std::size_t index, std::string& config);
  std::optional<Outcome> take_output(std::string output, const std::string& command, std::string& config) const;
  Outcome login_problem(const ReadStop& stop, const std::string& during) const;
  bool send_line(const std::string& line);

  SshTransport& m_transport;
  const PlatformProfile& m_profile;
  const Credentials& m_credentials;
  const SessionLimits& m_limits;
  const std::string& m_label;
  const std::vector<std::string> m_commands;  // paging off, then the config commands
  SshChannel m_channel;
  std::optional<PromptReader> m_reader;  // once the shell is open
  int m_round_trips = 0;
};

}  // namespace nbsync::backup::detail
