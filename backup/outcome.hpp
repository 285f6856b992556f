#pragma once
// How one device's backup ended (types/outcome_kind.hpp names the kinds). Outcomes are
// values handed between threads, never exceptions. Whether an outcome is worth another
// attempt is decided here, once.
#include <string>

#include "types/outcome_kind.hpp"

namespace nbsync::backup {

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
  // Given up because nbsync is shutting down (SessionLimits::abandon): not the device's
  // doing, never recorded; the next cycle backs the device up.
  bool abandoned = false;
  // The jump host (its [[ssh.jump_host]] name) whose failure this is: the device behind it
  // was not reached. Empty when the outcome is the device's own.
  std::string jump_host{};
};

}  // namespace nbsync::backup
