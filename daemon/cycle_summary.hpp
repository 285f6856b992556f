#pragma once
// What one backup cycle did, counted as it goes (thread-safe) and printed at the end as
// text or JSON: devices by outcome, changed, skipped, the inventory's completeness, and
// the duration. Also draws the one-line progress display on a terminal.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/outcome.hpp"
#include "notify/outbox_sender.hpp"

namespace nbsync::daemon {

class CycleSummary {
public:
  CycleSummary();

  void add_inventory(std::size_t devices);
  void set_inventory_result(bool complete, std::size_t expected, const std::string& error);
  // One device's end; `changed` only for ok outcomes that stored a new version.
  void add_outcome(OutcomeKind kind, bool changed, const std::string& device, const std::string& message);
  void set_retired(std::size_t retired);
  // A device not backed up because nbsync itself ran short (file descriptors).
  void add_local_failure(const std::string& message);
  std::size_t local_failures() const { return m_local_failures.load(); }
  // How many ok devices stored a new version (known once the writer has stored them all).
  void set_changed(std::size_t changed) { m_changed = changed; }
  // The search index: configs added this cycle, and how long the pass after the run took.
  void set_search_index(std::size_t indexed, double seconds) {
    std::lock_guard lock(m_mutex);
    m_indexed = indexed;
    m_index_seconds = seconds;
  }
  // Device sessions this cycle and the round trips they took (backup/session_counts.hpp).
  void set_round_trips(std::uint64_t sessions, std::uint64_t round_trips) {
    std::lock_guard lock(m_mutex);
    m_sessions = sessions;
    m_round_trips = round_trips;
  }
  // What the outbox delivered after the cycle.
  void set_delivery(const notify::DrainReport& report) {
    std::lock_guard lock(m_mutex);
    m_delivery = report;
  }
  // What the drift check after the run did (daemon/drift_check.hpp), as its JSON.
  void set_drift(nlohmann::json drift) {
    std::lock_guard lock(m_mutex);
    m_drift = std::move(drift);
  }
  // This collector's share of its zone's cycle (daemon/zone_share.hpp): collector, zone,
  // cycle, claimed, taken_over, left_to_others; or, when the zone's cycle was done, done_by
  // and next_at. Empty without collectors.
  void set_zone(nlohmann::json zone) {
    std::lock_guard lock(m_mutex);
    m_zone = std::move(zone);
  }
  notify::DrainReport delivery() const {
    std::lock_guard lock(m_mutex);
    return m_delivery;
  }
  void finish();

  std::size_t done() const { return m_done.load(); }
  std::size_t inventory() const { return m_inventory.load(); }
  std::size_t failed() const;
  std::size_t changed() const { return m_changed.load(); }
  bool inventory_complete() const {
    std::lock_guard lock(m_mutex);
    return m_inventory_complete;
  }
  std::size_t count(OutcomeKind kind) const;

  nlohmann::json to_json() const;
  std::string to_text() const;
  // "zone lab cycle 3 (collector a): 12 device(s) claimed, ..." ("" without collectors).
  std::string zone_line() const;
  // A collector's: when its zone's next cycle opens (unix seconds, the database's clock).
  std::optional<std::int64_t> zone_next_at() const;
  // A collector's cycle that found its zone's cycle done by others: it backed up nothing.
  bool zone_was_done() const;
  // "  812/1200 devices  312.4/s  3 failed" for a terminal (no newline).
  std::string progress_line() const;

private:
  static constexpr std::size_t k_kinds = 9;
  std::chrono::steady_clock::time_point m_started;
  std::chrono::system_clock::time_point m_started_wall;
  std::chrono::steady_clock::duration m_duration{};
  std::atomic<std::size_t> m_inventory{0};
  std::atomic<std::size_t> m_done{0};
  std::atomic<std::size_t> m_changed{0};
  std::atomic<std::size_t> m_local_failures{0};
  nlohmann::json m_drift = nlohmann::json::object();
  nlohmann::json m_zone = nlohmann::json::object();
  std::array<std::atomic<std::size_t>, k_kinds> m_by_kind{};
  bool m_inventory_complete = false;
  std::size_t m_inventory_expected = 0;
  std::string m_inventory_error;
  std::size_t m_retired = 0;
  std::size_t m_indexed = 0;
  double m_index_seconds = 0;
  std::uint64_t m_sessions = 0;
  std::uint64_t m_round_trips = 0;
  notify::DrainReport m_delivery;
  mutable std::mutex m_mutex;                                           // guards the examples and the inventory result
  std::vector<std::pair<std::string, std::string>> m_failure_examples;  // device, message (first few)
  std::string m_local_failure_example;
};

}  // namespace nbsync::daemon
