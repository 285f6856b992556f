#include "backup/outcome.hpp"

namespace nbsync::backup {
bool is_retryable(OutcomeKind kind) {
  switch (kind) {
    case OutcomeKind::connect:
    case OutcomeKind::timeout:
    case OutcomeKind::incomplete:
      return true;
    case OutcomeKind::ok:
    case OutcomeKind::auth:
    case OutcomeKind::host_key_mismatch:
    case OutcomeKind::too_large:
    case OutcomeKind::protocol:
    case OutcomeKind::skipped:
      return false;
  }
  return false;
}

}  // namespace nbsync::backup
