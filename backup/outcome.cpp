#include "backup/outcome.hpp"

#include <array>
#include <utility>

namespace nbsync::backup {
namespace {

constexpr std::array<std::pair<OutcomeKind, std::string_view>, 9> k_names = {{
    {OutcomeKind::ok, "ok"},
    {OutcomeKind::connect, "connect"},
    {OutcomeKind::auth, "auth"},
    {OutcomeKind::timeout, "timeout"},
    {OutcomeKind::host_key_mismatch, "host_key_mismatch"},
    {OutcomeKind::too_large, "too_large"},
    {OutcomeKind::incomplete, "incomplete"},
    {OutcomeKind::protocol, "protocol"},
    {OutcomeKind::skipped, "skipped"},
}};

}  // namespace

std::string_view to_string(OutcomeKind kind) {
  for (const auto& [k, name] : k_names) {
    if (k == kind) {
      return name;
    }
  }
  return "unknown";
}

std::optional<OutcomeKind> outcome_kind_from_string(std::string_view text) {
  for (const auto& [k, name] : k_names) {
    if (name == text) {
      return k;
    }
  }
  return std::nullopt;
}

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
