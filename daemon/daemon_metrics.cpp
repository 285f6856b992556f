#include "daemon/daemon_metrics.hpp"

#include <algorithm>

#include "daemon/cycle_summary.hpp"

namespace nbsync::daemon {
namespace {

constexpr std::array k_all_outcomes = {
    OutcomeKind::ok,         OutcomeKind::connect,           OutcomeKind::auth,
    OutcomeKind::timeout,    OutcomeKind::host_key_mismatch, OutcomeKind::too_large,
    OutcomeKind::incomplete, OutcomeKind::protocol,          OutcomeKind::skipped,
};
static_assert(k_all_outcomes.size() == 9, "DaemonMetrics::k_outcome_count follows OutcomeKind");
constexpr std::array k_cycle_results = {CycleResult::completed, CycleResult::incomplete_inventory, CycleResult::failed};
constexpr std::array k_targets = {NotifyTarget::netbox, NotifyTarget::slack};
constexpr std::array k_notify_results = {NotifyResult::ok, NotifyResult::retry, NotifyResult::dropped};

constexpr std::string_view k_devices_help = "Devices of the last cycle by outcome";
constexpr std::string_view k_backups_help = "Device backups ended, by outcome";
constexpr std::string_view k_cycles_help = "Backup cycles ended, by result";
constexpr std::string_view k_notify_help = "Requests to NetBox and Slack, by target and result";
constexpr std::string_view k_outbox_rows_help = "Notifications waiting in the outbox, by channel";
constexpr std::string_view k_outbox_refused_help =
    "Notifications the peer refused for good, kept in the outbox (nbsync status says why), by channel";
constexpr std::string_view k_outbox_age_help = "Age of the oldest notification waiting in the outbox, by channel";
constexpr std::string_view k_scope_cap_help =
    "Sessions at once a scope allows ([[ssh.limit]], jump host; a site that backed off: where its window ended)";
constexpr std::string_view k_scope_peak_help = "Most sessions at once in a scope during the last cycle";
constexpr std::string_view k_scope_backoffs_help =
    "Times a site's window halved in the last cycle (its logins struggled)";

std::size_t index_of(OutcomeKind outcome) {
  return static_cast<std::size_t>(std::find(k_all_outcomes.begin(), k_all_outcomes.end(), outcome) -
                                  k_all_outcomes.begin());
}

MetricLabels outcome_label(OutcomeKind outcome) {
  return {{"outcome", std::string(to_string(outcome))}};
}

}  // namespace

std::string_view to_string(CycleResult result) {
  switch (result) {
    case CycleResult::completed:
      return "completed";
    case CycleResult::incomplete_inventory:
      return "incomplete_inventory";
    case CycleResult::failed:
      return "failed";
  }
  return "unknown";
}

std::string_view to_string(NotifyTarget target) {
  return target == NotifyTarget::netbox ? "netbox" : "slack";
}

std::string_view to_string(NotifyResult result) {
  switch (result) {
    case NotifyResult::ok:
      return "ok";
    case NotifyResult::retry:
      return "retry";
    case NotifyResult::dropped:
      return "dropped";
  }
  return "unknown";
}

DaemonMetrics::DaemonMetrics(MetricsRegistry& registry, std::string_view version)
    : m_registry(registry),
      m_cycle_running(registry.gauge(metric::cycle_running, "1 while a backup cycle runs")),
      m_cycle_duration(registry.gauge(metric::cycle_duration, "How long the last backup cycle took")),
      m_last_success(
          registry.gauge(metric::last_success, "When the last cycle that read the whole inventory ended (Unix time)")),
      m_config_bytes(registry.counter(metric::config_bytes, "Bytes of configuration read from devices")),
      m_config_changes(registry.counter(metric::config_changes, "Backups that stored a new configuration version")) {
  registry.gauge(metric::up, "1 while nbsync runs").set(1);
  registry.gauge(metric::build_info, "nbsync's version", {{"version", std::string(version)}}).set(1);
  for (std::size_t i = 0; i < k_cycle_results.size(); ++i) {
    m_cycles[i] =
        &registry.counter(metric::cycles, k_cycles_help, {{"result", std::string(to_string(k_cycle_results[i]))}});
  }
  for (std::size_t i = 0; i < k_all_outcomes.size(); ++i) {
    m_devices[i] = &registry.gauge(metric::devices, k_devices_help, outcome_label(k_all_outcomes[i]));
    m_backups[i] = &registry.counter(metric::backups, k_backups_help, outcome_label(k_all_outcomes[i]));
  }
  for (std::size_t t = 0; t < k_targets.size(); ++t) {
    for (std::size_t r = 0; r < k_notify_results.size(); ++r) {
      m_notify[t * k_notify_results.size() + r] = &registry.counter(
          metric::notify_requests, k_notify_help,
          {{"target", std::string(to_string(k_targets[t]))}, {"result", std::string(to_string(k_notify_results[r]))}});
    }
  }
}

void DaemonMetrics::cycle_started() {
  m_cycle_running.set(1);
}

void DaemonMetrics::cycle_finished(CycleResult result, std::chrono::duration<double> duration,
                                   std::chrono::system_clock::time_point finished) {
  m_cycle_running.set(0);
  m_cycles[static_cast<std::size_t>(result)]->inc();
  m_cycle_duration.set(duration.count());
  if (result == CycleResult::completed) {
    m_last_success.set(std::chrono::duration<double>(finished.time_since_epoch()).count());
  }
}

void DaemonMetrics::set_devices(const CycleSummary& summary) {
  for (const auto outcome : k_all_outcomes) {
    set_devices(outcome, summary.count(outcome));
  }
}

void DaemonMetrics::set_devices(OutcomeKind outcome, std::size_t count) {
  if (const auto i = index_of(outcome); i < k_all_outcomes.size()) {
    m_devices[i]->set(static_cast<double>(count));
  }
}

void DaemonMetrics::count_backup(OutcomeKind outcome) {
  if (const auto i = index_of(outcome); i < k_all_outcomes.size()) {
    m_backups[i]->inc();
  }
}

void DaemonMetrics::count_config_bytes(std::uint64_t bytes) {
  m_config_bytes.inc(static_cast<double>(bytes));
}

void DaemonMetrics::count_config_change() {
  m_config_changes.inc();
}

void DaemonMetrics::set_outbox(const std::vector<OutboxChannelState>& channels) {
  std::lock_guard lock(m_outbox_mutex);
  for (const auto& known : m_outbox_channels) {
    const bool listed = std::any_of(channels.begin(), channels.end(),
                                    [&](const OutboxChannelState& state) { return state.channel == known; });
    if (!listed) {
      m_registry.set_gauge(metric::outbox_rows, {{"channel", known}}, 0);
      m_registry.set_gauge(metric::outbox_oldest_age, {{"channel", known}}, 0);
      m_registry.set_gauge(metric::outbox_refused, {{"channel", known}}, 0);
    }
  }
  for (const auto& state : channels) {
    const MetricLabels labels{{"channel", state.channel}};
    m_registry.gauge(metric::outbox_rows, k_outbox_rows_help, labels).set(static_cast<double>(state.rows));
    m_registry.gauge(metric::outbox_oldest_age, k_outbox_age_help, labels)
        .set(static_cast<double>(state.oldest_age.count()));
    m_registry.gauge(metric::outbox_refused, k_outbox_refused_help, labels).set(static_cast<double>(state.refused));
    if (std::find(m_outbox_channels.begin(), m_outbox_channels.end(), state.channel) == m_outbox_channels.end()) {
      m_outbox_channels.push_back(state.channel);
    }
  }
}

void DaemonMetrics::set_scopes(const std::vector<backup::ScopeLimitState>& scopes) {
  std::lock_guard lock(m_scopes_mutex);
  std::vector<std::string> published;
  for (const auto& state : scopes) {
    if (state.site_pace || (state.adaptive && state.backoffs == 0)) {
      continue;
    }
    const MetricLabels labels{{"scope", state.scope}};
    m_registry.gauge(metric::scope_sessions_cap, k_scope_cap_help, labels).set(static_cast<double>(state.sessions_cap));
    m_registry.gauge(metric::scope_peak_sessions, k_scope_peak_help, labels)
        .set(static_cast<double>(state.peak_sessions));
    m_registry.gauge(metric::scope_backoffs, k_scope_backoffs_help, labels).set(static_cast<double>(state.backoffs));
    published.push_back(state.scope);
  }
  for (const auto& known : m_scopes) {
    if (std::find(published.begin(), published.end(), known) == published.end()) {
      m_registry.set_gauge(metric::scope_peak_sessions, {{"scope", known}}, 0);
      m_registry.set_gauge(metric::scope_backoffs, {{"scope", known}}, 0);
      published.push_back(known);
    }
  }
  m_scopes = std::move(published);
}

void DaemonMetrics::count_notify_request(NotifyTarget target, NotifyResult result) {
  m_notify[static_cast<std::size_t>(target) * k_notify_results.size() + static_cast<std::size_t>(result)]->inc();
}

}  // namespace nbsync::daemon
