#pragma once
// How to back up one kind of device, as data: prompts, the enable step, commands that
// turn paging off, the commands that print the config and how to know it arrived whole,
// volatile lines to drop before hashing, secrets to mask, and SSH algorithms for old
// gear. Profiles are TOML files (backup/profiles/*.toml, built into the binary; a user
// directory may add or override them). nbsync only reads from devices: every command a
// profile sends must be a show/display/get or a terminal setting, checked at load.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "types/pattern.hpp"

namespace nbsync::backup {

class ProfileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

struct SecretMask {
  Pattern pattern;
  std::string replacement;  // may use $1 ... for kept groups
  // The device prints this secret differently on every read (FortiOS encrypts it anew with
  // a random IV): a keyed tag would differ every time, so it is always plain "<removed>".
  bool reencrypted_per_read = false;
};

struct SshAlgorithms {
  std::string key_exchange, host_keys, ciphers, macs;  // comma lists; empty: libssh's safe defaults
};

// How long this platform's devices may take, at least (an ASA can think for a minute
// before its config starts). Each value set raises the [ssh] timeout of the same name for
// these devices and never lowers it: the profile knows the platform, the config knows the
// network, and the longer of the two applies.
struct ProfileTimeouts {
  std::optional<std::chrono::milliseconds> connect;       // ssh.connect_timeout
  std::optional<std::chrono::milliseconds> login;         // ssh.login_timeout
  std::optional<std::chrono::milliseconds> command_idle;  // ssh.command_idle_timeout
  std::optional<std::chrono::milliseconds> command;       // ssh.command_timeout
};

struct PlatformProfile {
  // shell: a pty shell. exec: one SSH exec request per config command. exec_first: exec
  // when the device runs it at the login's privilege, else the shell (detected per device).
  enum class Transport { shell, exec, exec_first };

  std::string name;
  std::string description;
  std::string source;  // where it was loaded from, for messages
  Transport transport = Transport::shell;
  // The shell's commands after login (paging off, the config, exit) are sent in one write
  // and their outputs told apart by the prompts between them: only for platforms whose CLI
  // keeps typed-ahead input (a device that drops it costs one round trip per command).
  bool type_ahead = false;
  Pattern prompt;               // the device's prompt, matched against the last line
  Pattern unprivileged_prompt;  // matching prompt means the enable step is needed
  Pattern more;                 // the pager prompt; answered with a space
  Pattern error;                // a line saying the command was refused
  std::string enable_command;   // empty: no enable step
  Pattern enable_password_prompt;
  std::vector<std::string> paging_off;
  std::vector<std::string> config_commands;
  Pattern config_start;  // lines before the first match are dropped (empty: keep all)
  Pattern config_end;    // the config is complete only when a line matches (empty: prompt after it)
  std::string exit_command = "exit";
  std::vector<Pattern> volatile_lines;
  Pattern any_volatile_line;  // all of volatile_lines as one alternation: one match per line
  std::vector<SecretMask> masks;
  SshAlgorithms ssh;
  ProfileTimeouts timeouts;
};

// Parses one profile; `origin` names it in errors ("backup/profiles/cisco-ios.toml").
std::shared_ptr<const PlatformProfile> parse_profile(const std::string& toml_text, const std::string& origin);

class ProfileRegistry {
public:
  // The profiles built into nbsync.
  static ProfileRegistry shipped();
  // Adds every *.toml in `directory`; a profile with a shipped name replaces it.
  void load_directory(const std::filesystem::path& directory);

  std::shared_ptr<const PlatformProfile> find(const std::string& name) const;
  std::vector<std::string> names() const;

private:
  std::map<std::string, std::shared_ptr<const PlatformProfile>> m_profiles;
};

}  // namespace nbsync::backup
