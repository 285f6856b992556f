#pragma once
// How one device's attempt in a run ended, as storage records it (column attempts.outcome).
// storage/ does not know backup/: the daemon converts backup's outcome kind to this one.
// The text forms are the values the schema's CHECK constraint allows.
#include <optional>
#include <string_view>

namespace nbsync::storage {

enum class AttemptOutcome {
  ok,
  connect,
  auth,
  timeout,
  host_key_mismatch,
  too_large,
  incomplete,
  protocol,
  skipped,
};

std::string_view to_string(AttemptOutcome outcome);
std::optional<AttemptOutcome> attempt_outcome_from_string(std::string_view text);

}  // namespace nbsync::storage
