#include "daemon/cycle_summary.hpp"

#include <cstdio>
#include <ctime>

namespace nbsync::daemon {
namespace {

constexpr std::array<OutcomeKind, 9> k_all_kinds = {
    OutcomeKind::ok,         OutcomeKind::connect,           OutcomeKind::auth,
    OutcomeKind::timeout,    OutcomeKind::host_key_mismatch, OutcomeKind::too_large,
    OutcomeKind::incomplete, OutcomeKind::protocol,          OutcomeKind::skipped};
constexpr std::size_t k_max_examples = 10;

std::string iso_utc(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

CycleSummary::CycleSummary()
    : m_started(std::chrono::steady_clock::now()), m_started_wall(std::chrono::system_clock::now()) {}

void CycleSummary::add_inventory(std::size_t devices) {
  m_inventory += devices;
}

void CycleSummary::set_inventory_result(bool complete, std::size_t expected, const std::string& error) {
  std::lock_guard lock(m_mutex);
  m_inventory_complete = complete;
  m_inventory_expected = expected;
  m_inventory_error = error;
}

void CycleSummary::add_outcome(OutcomeKind kind, bool changed, const std::string& device, const std::string& message) {
  ++m_by_kind[static_cast<std::size_t>(kind)];
  ++m_done;
  if (changed) {
    ++m_changed;
  }
  if (kind != OutcomeKind::ok && kind != OutcomeKind::skipped) {
    std::lock_guard lock(m_mutex);
    if (m_failure_examples.size() < k_max_examples) {
      m_failure_examples.emplace_back(device, message);
    }
  }
}

void CycleSummary::add_local_failure(const std::string& message) {
  if (m_local_failures++ == 0) {
    std::lock_guard lock(m_mutex);
    m_local_failure_example = message;
  }
}

void CycleSummary::set_retired(std::size_t retired) {
  std::lock_guard lock(m_mutex);
  m_retired = retired;
}

void CycleSummary::finish() {
  m_duration = std::chrono::steady_clock::now() - m_started;
}

std::size_t CycleSummary::count(OutcomeKind kind) const {
  return m_by_kind[static_cast<std::size_t>(kind)].load();
}

std::size_t CycleSummary::failed() const {
  return m_done.load() - count(OutcomeKind::ok) - count(OutcomeKind::skipped);
}

nlohmann::json CycleSummary::to_json() const {
  std::lock_guard lock(m_mutex);
  nlohmann::json outcomes = nlohmann::json::object();
  for (auto kind : k_all_kinds) {
    outcomes[std::string(to_string(kind))] = count(kind);
  }
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& [device, message] : m_failure_examples) {
    failures.push_back({{"device", device}, {"message", message}});
  }
  const double seconds = std::chrono::duration<double>(m_duration).count();
  return {{"started_at", iso_utc(m_started_wall)},
          {"duration_seconds", seconds},
          {"inventory",
           {{"devices", m_inventory.load()},
            {"complete", m_inventory_complete},
            {"expected", m_inventory_expected},
            {"error", m_inventory_error}}},
          {"devices", m_done.load()},
          {"outcomes", outcomes},
          {"changed", m_changed.load()},
          {"unchanged", count(OutcomeKind::ok) - m_changed.load()},
          {"failed", failed()},
          {"skipped", count(OutcomeKind::skipped)},
          {"retired", m_retired},
          {"search_index", {{"indexed", m_indexed}, {"seconds_after_run", m_index_seconds}}},
          {"sessions",
           {{"sessions", m_sessions},
            {"round_trips", m_round_trips},
            {"round_trips_per_session",
             m_sessions == 0 ? 0.0 : static_cast<double>(m_round_trips) / static_cast<double>(m_sessions)}}},
          {"notify",
           {{"delivered", m_delivery.delivered},
            {"refused", m_delivery.refused},
            {"requests", m_delivery.requests},
            {"waiting", m_delivery.left}}},
          {"drift", m_drift},
          {"zone", m_zone},
          {"first_failures", failures},
          {"not_backed_up",
           {{"nbsync_out_of_file_descriptors", m_local_failures.load()}, {"example", m_local_failure_example}}}};
}

namespace {

// "zone dc-east cycle 7 (collector east-1): 412 claimed, 3 taken over from others, 395 left to other collectors"
std::string zone_text(const nlohmann::json& zone) {
  if (zone.empty()) {
    return "";
  }
  std::string out = "zone " + zone.value("zone", "") + " cycle " + std::to_string(zone.value("cycle", 0)) +
                    " (collector " + zone.value("collector", "") + "): ";
  if (zone.contains("done_by")) {
    return out + "done by " + zone.value("done_by", "") + " already; nothing to back up until the next one, in " +
           std::to_string(zone.value("next_in_seconds", 0)) + " s";
  }
  return out + std::to_string(zone.value("claimed", 0)) + " device(s) claimed, " +
         std::to_string(zone.value("taken_over", 0)) + " taken over from other collectors, " +
         std::to_string(zone.value("left_to_others", 0)) + " left to them";
}

}  // namespace

std::string CycleSummary::to_text() const {
  const auto j = to_json();
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line,
                "cycle: %zu devices in %.1f s: %zu ok (%zu changed, %zu unchanged), %zu failed, %zu skipped\n",
                j["devices"].get<std::size_t>(), j["duration_seconds"].get<double>(), count(OutcomeKind::ok),
                j["changed"].get<std::size_t>(), j["unchanged"].get<std::size_t>(), j["failed"].get<std::size_t>(),
                j["skipped"].get<std::size_t>());
  out += line;
  std::string kinds;
  for (auto kind : k_all_kinds) {
    if (kind == OutcomeKind::ok || kind == OutcomeKind::skipped || count(kind) == 0) {
      continue;
    }
    kinds += (kinds.empty() ? "" : ", ") + std::string(to_string(kind)) + " " + std::to_string(count(kind));
  }
  if (!kinds.empty()) {
    out += "failures by kind: " + kinds + "\n";
  }
  for (const auto& failure : j["first_failures"]) {
    out += "  " + failure["message"].get<std::string>() + "\n";
  }
  if (!m_zone.empty()) {
    out += zone_text(m_zone) + "\n";
  }
  if (m_local_failures.load() > 0) {
    out += "not backed up: " + std::to_string(m_local_failures.load()) +
           " device(s) for a reason of nbsync's own, not the devices' (their state is unchanged); the first: " +
           j["not_backed_up"]["example"].get<std::string>() + "\n";
  }
  if (m_delivery.requests > 0 || m_delivery.left > 0) {
    out += "notifications: " + std::to_string(m_delivery.delivered) + " delivered in " +
           std::to_string(m_delivery.requests) + " request(s), " + std::to_string(m_delivery.left) +
           " waiting for the next run\n";
  }
  if (!j["inventory"]["complete"].get<bool>()) {
    out += "inventory incomplete: " + j["inventory"]["error"].get<std::string>() +
           " (backed up what was read; no device was retired)\n";
  } else if (j["retired"].get<std::size_t>() > 0) {
    out += "retired (gone from NetBox, history kept): " + std::to_string(j["retired"].get<std::size_t>()) + "\n";
  }
  return out;
}

std::string CycleSummary::zone_line() const {
  std::lock_guard lock(m_mutex);
  return zone_text(m_zone);
}

std::optional<std::int64_t> CycleSummary::zone_next_at() const {
  std::lock_guard lock(m_mutex);
  if (!m_zone.contains("next_at")) {
    return std::nullopt;
  }
  return m_zone["next_at"].get<std::int64_t>();
}

bool CycleSummary::zone_was_done() const {
  std::lock_guard lock(m_mutex);
  return m_zone.contains("done_by");
}

std::string CycleSummary::progress_line() const {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
  char line[160];
  std::snprintf(line, sizeof line, "  %zu/%zu devices  %.1f/s  %zu failed", m_done.load(), m_inventory.load(),
                seconds > 0 ? static_cast<double>(m_done.load()) / seconds : 0.0, failed());
  return line;
}

}  // namespace nbsync::daemon
