#pragma once
// The command line of one simulated device, without any networking: bytes typed by the
// client go in (feed), bytes the device prints come out (take_output). What each platform
// says and does (prompts, mode changes, pager prompt, error lines) lives in its file under
// platforms/; this class keeps what they share (line editing, paging, the enable password
// dialogue, exec) and the faults that live in the CLI (hangs, floods, paging that cannot be
// turned off, failing enable, huge banner, unexpected prompt, truncated output).
// Single-threaded; one per channel.
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>

#include "lab/devices/faults.hpp"

namespace nbsync::lab {

class PlatformSim;
struct CommandLine;

struct ShellOptions {
  Platform platform = Platform::cisco_ios;
  std::string hostname;
  std::string user = "admin";
  std::string enable_secret;
  std::uint64_t seed = 0;
  std::int64_t id = 0;
  std::uint32_t version = 0;
  std::uint32_t secret_generation = 0;
  std::uint32_t faults = 0;
  bool pty = true;               // a pty turns "\n" into "\r\n" and echoes what is typed
  int terminal_rows = 24;        // from the pty request; paging shows rows - 1 lines a page
  std::time_t boot_time = 0;     // for "uptime" in show version
  std::uint64_t read_nonce = 0;  // varies the volatile config lines between sessions
};

class DeviceShell {
public:
  enum class End {
    none,       // still running (or waiting for input)
    close,      // the user logged out: close the channel
    exec_done,  // an exec request finished: send exit_status(), EOF, close
    hang,       // stays silent forever (faults)
    drop,       // drop the TCP connection without a goodbye (close_mid_config)
  };

  explicit DeviceShell(ShellOptions options);

  // Interactive shell: login banner and first prompt.
  void start_shell();
  // One command as an SSH exec request: privileged, no paging, no echo, no prompt.
  void start_exec(std::string_view command);
  // Bytes typed by the client.
  void feed(std::string_view input);
  // Up to about `max` bytes of output ready now ("" when none).
  std::string take_output(std::size_t max);
  bool has_output() const;
  // What to do once has_output() is false.
  End end() const { return m_end; }
  int exit_status() const { return m_exit_status; }
  const std::string& prompt() const { return m_prompt; }
  // Number of config reads served (show running-config and the like).
  int config_reads() const { return m_config_reads; }
  // Size of the config the last config read printed (for the think time, issue 17).
  std::size_t last_config_bytes() const { return m_last_config_bytes; }
  // Number of changes the client made to the device's configuration (FortiOS: Netmiko
  // turning the console's paging off and on again).
  int config_changes() const { return m_config_changes; }

  // For the platform files: how a command ends. Each command ends with exactly one of
  // done, fail, invalid_at, close_session, ask_enable_password, show_config, show_version.
  const ShellOptions& options() const { return m_options; }
  bool exec() const { return m_exec; }
  bool privileged() const { return m_privileged; }
  void set_privileged(bool privileged) { m_privileged = privileged; }
  void set_terminal_length(int lines) { m_terminal_length = lines; }
  bool terminal_length_zero() const { return m_terminal_length == 0; }
  // A configuration section the CLI is in ("" at the top; FortiOS "console"), for the
  // prompt, and the change typed in it that is not saved yet.
  const std::string& context() const { return m_context; }
  const std::string& unsaved_change() const { return m_unsaved_change; }
  void set_context(std::string context, std::string unsaved_change = "") {
    m_context = std::move(context);
    m_unsaved_change = std::move(unsaved_change);
  }
  void count_config_change() { ++m_config_changes; }
  void blank_line_before_prompt() { m_blank_line_before_prompt = true; }
  // IOS XR prints the time before each show command's output until "terminal exec prompt
  // no-timestamp"; a session setting, on at login.
  bool exec_timestamps() const { return m_exec_timestamps; }
  void set_exec_timestamps(bool on) { m_exec_timestamps = on; }
  void print(std::string_view text) { emit(text); }
  void done() { finish_command(); }
  // Prints `message` (whole lines) and ends the command with `status`.
  void fail(std::string_view message, int status = 1);
  // A caret under word `token` of the command (or its end), then `message`.
  void invalid_at(const CommandLine& command, std::size_t token, std::string_view message);
  void close_session();
  // "Password: " and the enable secret dialogue (3 tries, then "% Bad secrets").
  void ask_enable_password();
  void show_config(bool no_more);
  void show_version();

private:
  enum class State { idle, password, more, streaming, finished };

  bool has(Fault f) const { return (m_options.faults & fault_bit(f)) != 0; }
  void emit(std::string_view text);  // into m_out, with the pty's line ends
  void emit_raw(std::string_view text) { m_out.append(text); }
  void update_prompt();
  void show_prompt();
  void process_input();
  void execute(const std::string& line);
  void execute_menu(const std::string& line);
  void output_body(std::string body, bool paged_allowed);
  void emit_page(int lines);
  void pager_key(char c);
  void finish_command();
  void refill_flood();
  bool paging_on() const;
  std::string more_prompt() const;
  std::string uptime() const;

  ShellOptions m_options;
  const PlatformSim& m_platform;
  std::string m_prompt;
  std::string m_out;
  std::string m_in;
  std::string m_line;
  std::string m_body;
  std::size_t m_body_pos = 0;
  bool m_body_flood = false;
  std::uint64_t m_flood_counter = 0;
  End m_body_end = End::none;  // what happens when the body is done (hang/drop faults)
  State m_state = State::idle;
  End m_end = End::none;
  bool m_exec = false;
  bool m_privileged = false;
  bool m_last_cr = false;
  bool m_blank_line_before_prompt = false;  // Junos separates output from the next prompt
  bool m_exec_timestamps = true;
  int m_terminal_length = -1;  // -1: from the pty
  int m_enable_failures = 0;
  int m_exit_status = 0;
  int m_config_reads = 0;
  std::size_t m_last_config_bytes = 0;
  int m_config_changes = 0;
  std::string m_context;
  std::string m_unsaved_change;
};

}  // namespace nbsync::lab
