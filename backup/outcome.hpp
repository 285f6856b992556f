#pragma once
// How one device's backup ended. Outcomes are values handed between threads, never
// exceptions. Whether an outcome is worth another attempt is decided here, once.
#include <optional>
#include <string>
#include <string_view>

namespace nbsync::backup {

enum class OutcomeKind {
  ok,                 // the whole config arrived
  connect,            // TCP refused, unreachable, reset before login
  auth,               // credentials refused (login or enable)
  timeout,            // a connect, login or command limit ran out
  host_key_mismatch,  // the device presented a key other than the one we trust
  too_large,          // output passed max_config_bytes
  incomplete,         // no end-of-config marker, or the connection dropped mid-config
  protocol,           // SSH or CLI conversation went somewhere unexpected
  skipped,            // not attempted: no profile, no address, status out of scope
};

std::string_view to_string(OutcomeKind kind);
std::optional<OutcomeKind> outcome_kind_from_string(std::string_view text);

// True for what can succeed on another try (refused/reset connections, timeouts, a
// dropped transfer); false for what needs a person (auth, host keys, oversized configs).
bool is_retryable(OutcomeKind kind);

struct Outcome {
  OutcomeKind kind = OutcomeKind::ok;
  std::string message;  // names the device and what to do; never holds a secret
  int attempts = 1;
  // nbsync's own failure, not the device's: it ran out of file descriptors. Never
  // recorded as the device's outcome; the device is backed up by a later cycle.
  bool local_failure = false;
};

}  // namespace nbsync::backup
