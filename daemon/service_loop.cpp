#include "daemon/service_loop.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "config/config.hpp"
#include "config/logging.hpp"
#include "daemon/backup_cycle.hpp"
#include "daemon/backup_now_queue.hpp"
#include "daemon/backup_now_run.hpp"
#include "daemon/cycle_schedule.hpp"
#include "daemon/cycle_settings.hpp"
#include "daemon/daemon_metrics.hpp"
#include "daemon/metrics.hpp"
#include "daemon/metrics_server.hpp"
#include "daemon/service_notifier.hpp"
#include "daemon/signal_watcher.hpp"
#include "storage/outbox.hpp"
#include "storage/service_status.hpp"
#include "web/web_server.hpp"
#include "web/webhook_receiver.hpp"
#include "web/webhook_server.hpp"

namespace nbsync::daemon {
namespace {

using namespace std::chrono_literals;
using Clock = CycleClock;

// Longest the main thread sleeps without looking at the watchdog and the cycle.
constexpr std::chrono::milliseconds k_tick = 1s;
// Between cycles, messages NetBox or Slack could not take are retried every
// notify.retry_interval (when their backoff allows), each time for at most this long.
constexpr std::chrono::seconds k_outbox_retry_budget = 10s;

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string seconds_text(std::chrono::duration<double> d) {
  return fmt::format("{:.1f} s", d.count());
}

// The jitter is capped at a tenth of the interval, so cycles stay about `interval` apart.
CycleSchedule schedule_for(const Config& config) {
  return CycleSchedule(config.daemon.interval, std::min(config.daemon.jitter, config.daemon.interval / 10));
}

// The config, the schedule, and everything that follows them on SIGHUP.
class Service {
public:
  Service(std::filesystem::path file, Config config)
      : m_file(std::move(file)),
        m_config(std::move(config)),
        m_schedule(schedule_for(m_config)),
        m_metrics(m_registry, NBSYNC_VERSION) {}

  int run() {
    if (!m_config.daemon.metrics_listen.empty()) {
      m_server = std::make_unique<MetricsServer>(m_registry, m_config.daemon.metrics_listen);
      spdlog::info("daemon: metrics on http://{}:{}/metrics", m_server->host(), m_server->port());
    }
    start_listeners();
    m_notifier.ready();
    m_notifier.status("started; first cycle now");
    spdlog::info("daemon: started (config {}); a cycle every {} s, the first now", m_file.string(),
                 std::chrono::duration_cast<std::chrono::seconds>(m_config.daemon.interval).count());
    Clock::time_point next_start = Clock::now();
    while (true) {
      if (!wait_until(next_start)) {
        break;
      }
      const Clock::time_point started = Clock::now();
      run_cycle();
      if (m_stopping) {
        break;
      }
      const NextCycle next = m_schedule.next(started, Clock::now());
      if (next.overran()) {
        spdlog::warn("daemon: the cycle took {} s longer than the interval ({} s); starting the next one now",
                     std::chrono::duration_cast<std::chrono::seconds>(next.overran_by).count(),
                     std::chrono::duration_cast<std::chrono::seconds>(m_schedule.interval()).count());
      }
      next_start = m_zone_next_at ? zone_cycle_start(*m_zone_next_at) : next.start;
    }
    m_notifier.stopping();
    m_notifier.status("stopped");
    if (m_server) {
      m_server->stop();
    }
    if (m_web) {
      m_web->stop();
    }
    if (m_webhooks) {
      m_webhooks->stop();
    }
    spdlog::info("daemon: stopped");
    return 0;
  }

private:
  // The viewer ([web] listen) and NetBox's webhooks (on [webhook] listen, else on the viewer's).
  void start_listeners() {
    const auto& hooks = m_config.webhook;
    auto take = [this](BackupNowRequest request) {
      if (!m_backup_now.offer(std::move(request))) {
        spdlog::info("webhook: that device's backup is already waiting or running; one backup serves both");
      }
    };
    if (hooks.enabled() && !hooks.listen.empty()) {
      m_webhooks = std::make_unique<web::WebhookServer>(hooks, take);
    }
    if (hooks.enabled() && hooks.listen.empty()) {
      if (m_config.web.listen.empty()) {
        spdlog::warn(
            "daemon: webhook.secret is set but neither webhook.listen nor web.listen: NetBox's webhooks "
            "are not accepted");
      } else {
        m_receiver = std::make_unique<web::WebhookReceiver>(hooks, take);
      }
    }
    if (!m_config.web.listen.empty()) {
      m_web = std::make_unique<web::WebServer>(
          web::WebSettings{m_config.web, netbox_endpoint(m_config), m_config.storage.database,
                           cycle_database(m_config).postgres},
          [this](httplib::Server& server) {
            if (m_receiver) {
              m_receiver->register_routes(server);
              spdlog::info("webhook: NetBox's webhooks accepted on web.listen at {}", web::k_webhook_path);
            }
          });
    }
  }

  // Sleeps until `when`, handling signals and the watchdog; false when asked to stop.
  bool wait_until(Clock::time_point when) {
    auto next_outbox_retry = Clock::now() + m_config.notify.retry_interval;
    while (true) {
      const auto now = Clock::now();
      if (now >= when) {
        return true;
      }
      if (m_backup_now.waiting()) {
        back_up_now();
        if (m_stopping) {
          return false;
        }
        continue;
      }
      if (now >= next_outbox_retry) {
        retry_outbox();
        next_outbox_retry = Clock::now() + m_config.notify.retry_interval;
        if (m_stopping) {
          return false;
        }
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
      const auto until_retry = std::chrono::duration_cast<std::chrono::milliseconds>(next_outbox_retry - now);
      const SignalEvent event = m_signals.wait(std::min({left, until_retry, tick()}));
      m_notifier.watchdog();
      if (event == SignalEvent::stop) {
        spdlog::info("daemon: stop requested between cycles");
        m_stopping = true;
        return false;
      }
      if (event == SignalEvent::reload) {
        reload();
        when = std::min(when, Clock::now() + m_schedule.interval());
      }
    }
  }

  std::chrono::milliseconds tick() const {
    if (const auto ping = ServiceNotifier::watchdog_ping_interval()) {
      return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*ping), 100ms, k_tick);
    }
    return k_tick;
  }

  void reload() {
    m_notifier.reloading();
    try {
      Config fresh = load_config(m_file);
      if (const std::string problem = database_path_problem(fresh); !problem.empty()) {
        throw ConfigError(problem);
      }
      CycleSchedule schedule = schedule_for(fresh);
      if (fresh.daemon.metrics_listen != m_config.daemon.metrics_listen) {
        spdlog::warn("daemon: reload: daemon.metrics_listen changed; it applies after a restart");
      }
      if (fresh.web.listen != m_config.web.listen || fresh.web.base_url != m_config.web.base_url) {
        spdlog::warn("daemon: reload: [web] changed; it applies after a restart");
      }
      if (fresh.webhook.listen != m_config.webhook.listen ||
          fresh.webhook.secret.reveal() != m_config.webhook.secret.reveal() ||
          fresh.webhook.max_age != m_config.webhook.max_age) {
        spdlog::warn("daemon: reload: [webhook] changed; it applies after a restart");
      }
      if (fresh.log.format != m_config.log.format) {
        spdlog::warn("daemon: reload: log.format changed; it applies after a restart");
      }
      // Only the level: replacing the logger while workers log is not safe.
      spdlog::set_level(spdlog::level::from_str(fresh.log.level));
      m_config = std::move(fresh);
      m_schedule = std::move(schedule);
      spdlog::info("daemon: reloaded {}; the new config applies from the next cycle", m_file.string());
    } catch (const std::exception& e) {
      spdlog::error("daemon: reload refused, keeping the running config: {}", e.what());
    }
    m_notifier.ready();
  }

  // Runs `job` on its own thread while this one keeps watching signals and the watchdog.
  // SIGTERM sets `stop` (take no new work) and, after shutdown_grace, `abandon`.
  void run_watched(const Config& config,
                   const std::function<void(std::stop_token stop, std::stop_token abandon)>& job) {
    std::stop_source stop;
    std::stop_source abandon;
    if (m_stopping) {
      stop.request_stop();
    }
    std::atomic<bool> done = false;
    std::thread worker([&] {
      job(stop.get_token(), abandon.get_token());
      done = true;
    });
    std::optional<Clock::time_point> grace_ends;
    while (!done) {
      const SignalEvent event = m_signals.wait(std::min(tick(), std::chrono::milliseconds(200)));
      m_notifier.watchdog();
      if (event == SignalEvent::reload) {
        reload();
      } else if (event == SignalEvent::stop && !m_stopping) {
        m_stopping = true;
        stop.request_stop();
        grace_ends = Clock::now() + config.daemon.shutdown_grace;
        m_notifier.stopping();
        spdlog::info("daemon: stopping: no new devices; those in flight get up to {} s",
                     std::chrono::duration_cast<std::chrono::seconds>(config.daemon.shutdown_grace).count());
      }
      if (grace_ends && !abandon.stop_requested() && Clock::now() >= *grace_ends) {
        abandon.request_stop();
        spdlog::warn(
            "daemon: shutdown_grace passed: giving up on the devices still in flight (nothing of theirs "
            "is stored; the next start backs them up)");
      }
    }
    worker.join();
  }

  // A collector starts when its zone's next cycle opens, whichever collector opened the last
  // one, so that the zone's collectors share each cycle (within the interval from now).
  Clock::time_point zone_cycle_start(std::int64_t next_at) const {
    const auto wait = std::chrono::seconds(std::max<std::int64_t>(0, next_at - unix_seconds()));
    return Clock::now() + std::min<std::chrono::milliseconds>(wait, m_schedule.interval());
  }

  // One cycle, then the outbox.
  void run_cycle() {
    const Config config = m_config;  // a reload during the cycle applies to the next one
    CycleSummary summary;
    notify::DrainReport delivery;
    std::optional<std::string> error;
    m_metrics.cycle_started();
    m_notifier.status("cycle running");
    const auto started = Clock::now();
    run_watched(config, [&](std::stop_token stop, std::stop_token abandon) {
      CycleOptions options = cycle_options(std::move(stop), std::move(abandon));
      options.backup_now = &m_backup_now;     // asked for during the cycle: ahead of its queue
      options.wait_for_zone_interval = true;  // a collector joins its zone's cycles, never opens extra ones
      try {
        run_backup_cycle(config, options, summary);
        delivery = summary.delivery();
      } catch (const std::exception& e) {
        error = e.what();
      }
    });
    const std::chrono::duration<double> took = Clock::now() - started;
    report(config, summary, delivery, error, took);
  }

  // What every run tells the metrics, with the run's stop and abandon tokens.
  CycleOptions cycle_options(std::stop_token stop, std::stop_token abandon) {
    CycleOptions options;
    options.stop = std::move(stop);
    options.abandon = std::move(abandon);
    options.on_device = [this](OutcomeKind kind, std::size_t bytes) {
      m_metrics.count_backup(kind);
      m_metrics.count_config_bytes(bytes);
    };
    options.on_scopes = [this](const std::vector<backup::ScopeLimitState>& scopes) { m_metrics.set_scopes(scopes); };
    return options;
  }

  // Between cycles: a run of just the devices NetBox users asked to back up now.
  void back_up_now() {
    const Config config = m_config;
    const std::vector<BackupNowRequest> requests = m_backup_now.start();
    m_notifier.status("backing up " + std::to_string(requests.size()) + " device(s) asked for through NetBox");
    run_watched(config, [&](std::stop_token stop, std::stop_token abandon) {
      CycleSummary summary;
      try {
        run_backup_now(config, requests, cycle_options(std::move(stop), std::move(abandon)), summary);
      } catch (const std::exception& e) {
        spdlog::error("backup now: the run failed: {}", e.what());
      }
    });
    m_backup_now.finish(requests);
    publish_outbox(config);
  }

  // Between cycles: sends what waits in the outbox once its backoff allows, so NetBox and
  // Slack catch up soon after they come back rather than at the next cycle.
  void retry_outbox() {
    const Config config = m_config;
    try {
      const auto database = cycle_database(config);
      if (!storage::database_exists(database) || storage::open_outbox(database)->due_channels(unix_seconds()).empty()) {
        return;
      }
    } catch (const std::exception& e) {
      spdlog::warn("daemon: cannot read the outbox: {}", e.what());
      return;
    }
    notify::DrainReport delivery;
    run_watched(config, [&](std::stop_token stop, std::stop_token) {
      try {
        delivery = deliver_outbox(config, k_outbox_retry_budget, std::move(stop));
      } catch (const std::exception& e) {
        spdlog::warn("daemon: delivering the outbox failed: {}", e.what());
      }
    });
    count_requests(NotifyTarget::netbox, delivery.netbox);
    count_requests(NotifyTarget::slack, delivery.slack);
    publish_outbox(config);
  }

  void report(const Config& config, const CycleSummary& summary, const notify::DrainReport& delivery,
              const std::optional<std::string>& error, std::chrono::duration<double> took) {
    CycleResult result = CycleResult::completed;
    if (error) {
      result = CycleResult::failed;
      spdlog::error("daemon: cycle failed after {}: {}", seconds_text(took), *error);
      m_zone_next_at.reset();  // a collector whose cycle failed keeps its own schedule
      m_notifier.status("last cycle failed: " + *error);
    } else {
      if (!summary.inventory_complete()) {
        result = CycleResult::incomplete_inventory;
      }
      if (!summary.zone_was_done()) {  // a collector that waited for its zone keeps its last figures
        m_metrics.set_devices(summary);
      }
      for (std::size_t i = 0; i < summary.changed(); ++i) {
        m_metrics.count_config_change();
      }
      std::string line =
          fmt::format("last cycle: {} devices, {} ok, {} changed, {} failed in {}", summary.inventory(),
                      summary.count(OutcomeKind::ok), summary.changed(), summary.failed(), seconds_text(took));
      if (const std::string zone = summary.zone_line(); !zone.empty()) {
        line += "; " + zone;
      }
      m_zone_next_at = summary.zone_next_at();
      spdlog::info("daemon: {}", line);
      m_notifier.status(line);
    }
    count_requests(NotifyTarget::netbox, delivery.netbox);
    count_requests(NotifyTarget::slack, delivery.slack);
    m_metrics.cycle_finished(result, took, std::chrono::system_clock::now());
    publish_outbox(config);
  }

  void count_requests(NotifyTarget target, const notify::RequestResults& results) {
    for (std::int64_t i = 0; i < results.ok; ++i) {
      m_metrics.count_notify_request(target, NotifyResult::ok);
    }
    for (std::int64_t i = 0; i < results.retry; ++i) {
      m_metrics.count_notify_request(target, NotifyResult::retry);
    }
    for (std::int64_t i = 0; i < results.dropped; ++i) {
      m_metrics.count_notify_request(target, NotifyResult::dropped);
    }
  }

  void publish_outbox(const Config& config) {
    try {
      const auto location = cycle_database(config);
      if (!storage::database_exists(location)) {
        return;
      }
      const auto database = storage::open_database(location);
      const auto status = storage::read_service_status(*database, 0);
      std::vector<OutboxChannelState> channels;
      const auto now = unix_seconds();
      for (const auto& channel : status.outbox) {
        channels.push_back({channel.channel, channel.rows,
                            std::chrono::seconds(channel.rows > 0 ? now - channel.oldest_created_at : 0),
                            channel.refused});
      }
      m_metrics.set_outbox(channels);
    } catch (const std::exception& e) {
      spdlog::warn("daemon: cannot read the outbox for metrics: {}", e.what());
    }
  }

  std::filesystem::path m_file;
  Config m_config;
  CycleSchedule m_schedule;
  std::optional<std::int64_t> m_zone_next_at;  // a collector's: when its zone's next cycle opens
  SignalWatcher m_signals;
  ServiceNotifier m_notifier;
  MetricsRegistry m_registry;
  DaemonMetrics m_metrics;
  std::unique_ptr<MetricsServer> m_server;
  BackupNowQueue m_backup_now;                       // filled by the webhook receiver's threads
  std::unique_ptr<web::WebhookReceiver> m_receiver;  // NetBox's webhooks on the viewer's listener
  std::unique_ptr<web::WebhookServer> m_webhooks;    // or on [webhook] listen
  std::unique_ptr<web::WebServer> m_web;             // the config history viewer, when [web] listen is set
  bool m_stopping = false;
};

}  // namespace

int run_daemon(const std::filesystem::path& config_file) {
  Config config = load_config(config_file);
  // A service that starts but can never store a backup is worse than one that refuses to.
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw ConfigError(problem);
  }
  setup_logging(config.log);
  Service service(config_file, std::move(config));
  return service.run();
}

}  // namespace nbsync::daemon
