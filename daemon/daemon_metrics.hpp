#pragma once
// The metrics nbsync publishes on /metrics, named once here so the daemon's code reads as
// what happened ("a cycle finished") rather than as metric names. Every series a dashboard
// expects (each outcome, each cycle result, each notify target and result) exists from the
// start at 0. All methods are thread-safe; per-device ones are cheap enough for workers.
#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "backup/outcome.hpp"
#include "backup/scope_limiter.hpp"
#include "daemon/metrics.hpp"

namespace nbsync::daemon {

class CycleSummary;

enum class CycleResult { completed, incomplete_inventory, failed };
enum class NotifyTarget { netbox, slack };
enum class NotifyResult { ok, retry, dropped };

std::string_view to_string(CycleResult result);
std::string_view to_string(NotifyTarget target);
std::string_view to_string(NotifyResult result);

// One outbox channel as the storage sees it now.
struct OutboxChannelState {
  std::string channel;
  std::int64_t rows = 0;
  std::chrono::seconds oldest_age{0};  // age of the oldest waiting row; 0 when empty
  std::int64_t refused = 0;            // refused for good by the peer, kept
};

namespace metric {
inline constexpr std::string_view up = "nbsync_up";
inline constexpr std::string_view build_info = "nbsync_build_info";
inline constexpr std::string_view cycle_running = "nbsync_cycle_running";
inline constexpr std::string_view cycles = "nbsync_cycles_total";
inline constexpr std::string_view cycle_duration = "nbsync_cycle_duration_seconds";
inline constexpr std::string_view last_success = "nbsync_last_cycle_success_timestamp_seconds";
inline constexpr std::string_view devices = "nbsync_devices";
inline constexpr std::string_view backups = "nbsync_backups_total";
inline constexpr std::string_view config_bytes = "nbsync_config_bytes_read_total";
inline constexpr std::string_view config_changes = "nbsync_config_changes_total";
inline constexpr std::string_view outbox_rows = "nbsync_outbox_rows";
inline constexpr std::string_view outbox_oldest_age = "nbsync_outbox_oldest_age_seconds";
inline constexpr std::string_view outbox_refused = "nbsync_outbox_refused_rows";
inline constexpr std::string_view notify_requests = "nbsync_notify_requests_total";
inline constexpr std::string_view scope_sessions_cap = "nbsync_scope_sessions_cap";
inline constexpr std::string_view scope_peak_sessions = "nbsync_scope_peak_sessions";
inline constexpr std::string_view scope_backoffs = "nbsync_scope_backoffs";
}  // namespace metric

class DaemonMetrics {
public:
  // Declares every family in `registry` (which must outlive this) and sets nbsync_up 1
  // and nbsync_build_info{version} 1.
  DaemonMetrics(MetricsRegistry& registry, std::string_view version);

  // nbsync_cycle_running 1.
  void cycle_started();
  // nbsync_cycle_running 0, nbsync_cycles_total{result} +1, the duration, and for a
  // completed cycle the success timestamp (`finished`, Unix seconds).
  void cycle_finished(CycleResult result, std::chrono::duration<double> duration,
                      std::chrono::system_clock::time_point finished);
  // nbsync_devices{outcome}: how the last cycle's devices ended (every outcome is set).
  void set_devices(const CycleSummary& summary);
  void set_devices(OutcomeKind outcome, std::size_t count);

  // One device's backup ended: nbsync_backups_total{outcome} +1.
  void count_backup(OutcomeKind outcome);
  void count_config_bytes(std::uint64_t bytes);
  // A backup stored a new version.
  void count_config_change();

  // The whole outbox: listed channels get their rows and age; channels seen before and
  // absent now drop to 0 (they were emptied).
  void set_outbox(const std::vector<OutboxChannelState>& channels);
  // The last cycle's [[ssh.limit]] scopes, jump hosts and the sites that backed off: their
  // cap (a site's: where its window ended), peak sessions at once and back-offs. Scopes
  // published before and absent now drop to 0. Sites that never struggled are left out
  // (a fleet has thousands).
  void set_scopes(const std::vector<backup::ScopeLimitState>& scopes);
  // One request to NetBox or Slack ended.
  void count_notify_request(NotifyTarget target, NotifyResult result);

private:
  static constexpr std::size_t k_outcome_count = 9;
  MetricsRegistry& m_registry;
  Gauge& m_cycle_running;
  Gauge& m_cycle_duration;
  Gauge& m_last_success;
  Counter& m_config_bytes;
  Counter& m_config_changes;
  std::array<Counter*, 3> m_cycles{};
  std::array<Gauge*, k_outcome_count> m_devices{};
  std::array<Counter*, k_outcome_count> m_backups{};
  std::array<Counter*, 6> m_notify{};  // target * 3 + result
  std::mutex m_outbox_mutex;
  std::vector<std::string> m_outbox_channels;  // every channel ever published
  std::mutex m_scopes_mutex;
  std::vector<std::string> m_scopes;  // every scope ever published
};

}  // namespace nbsync::daemon
