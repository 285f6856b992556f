#pragma once
// How one device's backup attempt ended: the one vocabulary backup/ produces, storage/
// records (attempts.outcome; the names are the values the schema's CHECK allows), and
// notify/, metrics and the read commands show. Header-only.
#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace nbsync {

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

inline constexpr std::array<std::pair<OutcomeKind, std::string_view>, 9> k_outcome_names = {{
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

constexpr std::string_view to_string(OutcomeKind kind) {
  for (const auto& [value, name] : k_outcome_names) {
    if (value == kind) {
      return name;
    }
  }
  return "protocol";
}

constexpr std::optional<OutcomeKind> outcome_kind_from_string(std::string_view text) {
  for (const auto& [value, name] : k_outcome_names) {
    if (name == text) {
      return value;
    }
  }
  return std::nullopt;
}

// A device that failed: neither backed up nor deliberately skipped.
constexpr bool is_failure(OutcomeKind kind) {
  return kind != OutcomeKind::ok && kind != OutcomeKind::skipped;
}

}  // namespace nbsync
