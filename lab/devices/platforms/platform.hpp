#pragma once
// One simulated platform (lab/devices/platforms/<slug>.cpp): its login banner and prompts,
// what each command does, its pager prompt and how the pager erases it, show version, and
// its running config. DeviceShell keeps what every platform shares (line editing, paging,
// the enable password dialogue, exec, faults) and asks the platform for the rest;
// generate_config asks it for the config text. A platform is stateless: one instance each.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lab/devices/config_generator.hpp"
#include "lab/devices/faults.hpp"
#include "lab/devices/platforms/config_parts.hpp"

namespace nbsync::lab {

class DeviceShell;

// One typed command: "| filters" split off, words lower-cased with their columns.
struct CommandLine {
  std::string raw;   // as typed
  std::string text;  // without "| ..."
  bool no_more = false;
  std::vector<std::pair<std::size_t, std::string>> tokens;

  // Word i, or "" past the end.
  const std::string& arg(std::size_t i) const;
  std::size_t size() const { return tokens.size(); }
  bool empty() const { return tokens.empty(); }
};

CommandLine parse_command(const std::string& raw);

// `token` abbreviates `word` (at least `min` characters).
bool is(const std::string& token, std::string_view word, std::size_t min);
// A decimal count of up to six digits.
bool parse_count(const std::string& s, int& out);

class PlatformSim {
public:
  virtual ~PlatformSim() = default;

  // Login.
  virtual bool starts_privileged() const { return true; }
  virtual std::string prompt(const std::string& host, const std::string& user, bool privileged) const = 0;
  virtual std::string banner(const std::string& host) const = 0;
  // The prompt inside a configuration section (DeviceShell::context()).
  virtual std::string prompt_in(const std::string& host, const std::string&) const { return host; }
  // Runs one non-empty command line; must end with a DeviceShell call that finishes it
  // (done, fail, invalid_at, close_session, ask_enable_password, show_config, show_version).
  virtual void execute(DeviceShell& shell, const CommandLine& command) const = 0;
  // Whether the platform runs a command given as an SSH exec request (the others refuse it).
  virtual bool runs_exec() const { return false; }
  // Whether a user name may carry console options after "+" (RouterOS: "admin+ct").
  virtual bool login_options_in_user_name() const { return false; }

  // With a pty: what Enter on a typed `line` prints (most: a newline), and what drawing
  // the prompt prints (most: the prompt).
  virtual std::string echo_enter(const std::string& prompt, const std::string& line) const;
  virtual std::string draw_prompt(const std::string& prompt) const { return prompt; }

  // Paging: the pager prompt (`percent` of the output shown so far) and what the device
  // prints to erase it once a key is pressed; whether 'q' leaves a newline behind.
  virtual std::string more_prompt(std::size_t percent) const;
  virtual std::string erase_more(const std::string& prompt) const;
  virtual bool newline_after_pager_quit() const { return true; }

  virtual std::string version(const std::string& host, const std::string& uptime) const = 0;

  // Config: the command that prints it, the text, and what the device prints between the
  // config and the next prompt.
  virtual std::string config_command() const = 0;
  virtual GeneratedConfig config(const ConfigRequest& request, const config_parts::Facts& facts) const = 0;
  virtual std::string_view after_config() const { return ""; }
};

// "enable" asking for the enable secret (IOS, ASA) and "disable"; false when `w0` is neither.
bool enable_with_secret(DeviceShell& shell, const std::string& w0);

// The erase of IOS-like pagers: backspaces over the prompt, blanks, backspaces again.
std::string erase_by_backspaces(const std::string& prompt);

// The behaviour of `platform`.
const PlatformSim& platform_sim(Platform platform);

// One function per platform file.
namespace platforms {
const PlatformSim& cisco_ios();
const PlatformSim& cisco_nxos();
const PlatformSim& arista_eos();
const PlatformSim& juniper_junos();
const PlatformSim& cisco_asa();
const PlatformSim& cisco_iosxr();
const PlatformSim& paloalto_panos();
const PlatformSim& huawei_vrp();
const PlatformSim& linux_frr();
const PlatformSim& mikrotik_routeros();
const PlatformSim& aruba_aoscx();
const PlatformSim& fortinet_fortios();
const PlatformSim& generic();
}  // namespace platforms

}  // namespace nbsync::lab
