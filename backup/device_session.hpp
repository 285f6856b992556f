#pragma once
// One SSH session to one device, used by one worker thread and closed when done: connect,
// check the host key (before any credential is sent), log in (public key, password or
// keyboard-interactive), take the enable step, turn paging off, read the config, and say
// how it ended as an Outcome. Transport exec_first reads by exec when the device allows
// it, else (found once, remembered for the process) by a shell on a new session. A config is returned only when it
// arrived whole (the profile's end marker, or the prompt after it). Never throws for device behaviour.
#include <chrono>
#include <cstddef>
#include <functional>
#include <stop_token>
#include <string>

#include "backup/credentials.hpp"
#include "backup/host_key_verifier.hpp"
#include "backup/memory_budget.hpp"
#include "backup/outcome.hpp"
#include "backup/platform_profile.hpp"
#include "inventory/device.hpp"

namespace nbsync::backup {

struct SessionLimits {
  std::chrono::milliseconds connect_timeout{10000};       // TCP, SSH banner and key exchange
  std::chrono::milliseconds login_timeout{20000};         // authentication, first prompt, enable
  std::chrono::milliseconds command_idle_timeout{30000};  // silence while a command runs
  std::chrono::milliseconds command_timeout{120000};      // one command, start to prompt
  std::size_t max_config_bytes = 8u << 20;
  // Set by a shutting-down daemon: reads give up within 200 ms with a timeout outcome that
  // the caller should not record. Connect and login are bounded by their own timeouts.
  std::stop_token abandon;
  // The pool's share of ssh.memory_budget for this session (null: none): reads wait for it.
  MemoryLease* memory = nullptr;
  // Called once the device is connected and its host key checked, right before the first
  // authentication request: waits for the site's login pace, so that logins reach the
  // site's AAA server spaced as paced whatever the key exchange took. False: nbsync is
  // shutting down (the session is abandoned). Empty: no pace.
  std::function<bool()> before_login;
};

// `limits` for a device of `profile`: each timeout the profile sets raises the configured
// one (ProfileTimeouts).
SessionLimits limits_for(const SessionLimits& limits, const PlatformProfile& profile);

struct FetchResult {
  Outcome outcome;
  std::string config;  // the raw config (ok only): what the device printed, prompt and echo removed
  std::size_t bytes_read = 0;
  int round_trips = 0;  // writes that waited for the device's answer (session_counts.hpp)
  HostKey host_key;
  HostKeyVerdict host_key_verdict = HostKeyVerdict::trusted;
};

class BastionConnection;

// How every outcome of a device's session names it: "name (address:port)".
std::string session_label(const inventory::Device& device);

// Backs `device` up over its own SSH session; through a tunnel of `via` when it is reached
// through a bastion (null: dialed directly).
FetchResult fetch_config(const inventory::Device& device, const PlatformProfile& profile,
                         const Credentials& credentials, const SessionLimits& limits, HostKeyVerifier& verifier,
                         BastionConnection* via = nullptr);

}  // namespace nbsync::backup
