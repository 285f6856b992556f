#pragma once
// The config a dialogue reads, and the pure steps that make it from what the config
// commands printed: the echo and the prompt cut off, a refusal spotted, the lines before
// the start marker dropped, the end marker required. A config that fails a check is
// never returned: ConfigRead::config is empty unless the outcome is ok.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "backup/outcome.hpp"
#include "backup/platform_profile.hpp"

namespace nbsync::backup::detail {

// What a dialogue read.
struct ConfigRead {
  Outcome outcome;
  std::string config;          // ok only: the raw config, prompt and echo removed
  std::size_t bytes_read = 0;  // all the device sent on the session's channels
  // Writes that had to wait for the device's answer before the next one (channel open,
  // pty, shell or exec request, each command whose prompt was awaited): see device_session.hpp.
  int round_trips = 0;
  // The device would not run a config command over exec (the request refused, a privilege
  // error): a shell may still read the config (transport exec_first).
  bool exec_refused = false;
};

// `output` is what a shell printed for `command`, up to its next prompt: keeps the lines in
// between (drops the unfinished prompt line, and the first line when it echoes `command`).
void strip_echo_and_prompt(std::string& output, std::string_view command);

// The first of the first five lines of `output` that `error` matches (as a terminal shows
// it), or none. An empty `error` matches nothing.
std::optional<std::string> refusal_line(std::string_view output, const Pattern& error);

// Adds a command's output to the config; the first (for most platforms the only) one is
// moved in, not copied.
void append_output(std::string& config, std::string&& output);

// Drops the lines before the first that `start` matches (all of them when none does).
void drop_before_start(std::string& config, const Pattern& start);

// True when a line of `config` matches `end` (looked for from the last line up).
bool has_end_marker(std::string_view config, const Pattern& end);

// The last check of a config: lines before the profile's config_start dropped, its
// config_end present, something besides blanks left. None: `config` is the config; else
// the incomplete outcome, naming `label`.
std::optional<Outcome> finish_config(std::string& config, const PlatformProfile& profile, const std::string& label);

}  // namespace nbsync::backup::detail
