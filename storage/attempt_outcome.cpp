#include "storage/attempt_outcome.hpp"

#include <array>
#include <utility>

namespace nbsync::storage {
namespace {

constexpr std::array<std::pair<AttemptOutcome, std::string_view>, 9> k_names = {{
    {AttemptOutcome::ok, "ok"},
    {AttemptOutcome::connect, "connect"},
    {AttemptOutcome::auth, "auth"},
    {AttemptOutcome::timeout, "timeout"},
    {AttemptOutcome::host_key_mismatch, "host_key_mismatch"},
    {AttemptOutcome::too_large, "too_large"},
    {AttemptOutcome::incomplete, "incomplete"},
    {AttemptOutcome::protocol, "protocol"},
    {AttemptOutcome::skipped, "skipped"},
}};

}  // namespace

std::string_view to_string(AttemptOutcome outcome) {
  for (const auto& [value, name] : k_names) {
    if (value == outcome) {
      return name;
    }
  }
  return "protocol";
}

std::optional<AttemptOutcome> attempt_outcome_from_string(std::string_view text) {
  for (const auto& [value, name] : k_names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace nbsync::storage
