#include "daemon/backup_cycle.hpp"

#include "compliance/evaluator.hpp"
#include "compliance/rule_set.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <condition_variable>
#include <iostream>
#include <thread>

#include "backup/backup_pool.hpp"
#include "backup/platform_profile.hpp"
#include "daemon/file_limit.hpp"
#include "daemon/host_key_policy.hpp"
#include "inventory/device_scope.hpp"
#include "inventory/netbox_client.hpp"
#include "notify/netbox_status.hpp"
#include "notify/outbox_sender.hpp"
#include "notify/slack_summary.hpp"
#include "storage/database.hpp"
#include "storage/host_key_store.hpp"
#include "storage/storage_writer.hpp"
#include "types/device_label.hpp"

namespace nbsync::daemon {
namespace {

storage::DeviceRecord to_record(const inventory::Device& d) {
  return {d.id, d.name, d.site, d.role, d.platform, d.tenant, d.status, d.address, d.tags};
}

std::string device_name(const inventory::Device& d) {
  return device_label(d.name, d.id);
}

backup::ProfileRegistry load_profiles(const Config& config) {
  try {
    auto registry = backup::ProfileRegistry::shipped();
    if (!config.ssh.profiles_dir.empty()) {
      registry.load_directory(config.ssh.profiles_dir);
    }
    return registry;
  } catch (const backup::ProfileError& e) {
    throw CycleError(e.what());
  }
}

backup::Credentials to_credentials(const Credential& c) {
  return {c.username, c.password, c.private_key_file, c.enable_secret};
}

backup::CredentialBook credential_book(const Config& config) {
  std::vector<backup::CredentialRule> rules;
  for (const auto& rule : config.credential_overrides) {
    rules.push_back({rule.platform, rule.tag, to_credentials(rule.credential)});
  }
  return backup::CredentialBook(to_credentials(config.credentials), std::move(rules));
}

inventory::NetboxOptions netbox_options(const Config& config) {
  inventory::NetboxOptions options;
  options.netbox = netbox_endpoint(config);
  options.page_size = config.netbox.page_size;
  options.parse.default_port = config.ssh.port;
  options.parse.port_custom_field = config.ssh.port_custom_field;
  options.parse.port_context_key = config.ssh.port_config_context;
  options.parse.dns_fallback = config.ssh.dns_fallback;
  return options;
}

inventory::DeviceQuery device_query(const Config& config) {
  const auto& f = config.netbox.filters;
  return {f.site, f.role, f.tag, f.platform, f.tenant, f.custom_fields};
}

backup::PoolOptions pool_options(const Config& config) {
  backup::PoolOptions options;
  options.workers = fit_workers_to_file_limit(config.ssh.workers);
  options.retries = config.ssh.retries;
  options.limits.connect_timeout = config.ssh.connect_timeout;
  options.limits.login_timeout = config.ssh.login_timeout;
  options.limits.command_idle_timeout = config.ssh.command_idle_timeout;
  options.limits.command_timeout = config.ssh.command_timeout;
  options.limits.max_config_bytes = config.ssh.max_config_bytes;
  options.mask_secrets = config.storage.mask_secrets;
  return options;
}

// The rules are read once a cycle, so an edited rules file applies from the next cycle.
// The config was checked with its rules when nbsync started (and on SIGHUP); a rules file
// broken since then must not stop the backups: this cycle checks nothing, says so, and
// every device keeps its verdict until the file is fixed.
storage::ComplianceHooks compliance_hooks(const std::filesystem::path& rules_file) {
  std::shared_ptr<const compliance::RuleSet> rules;
  storage::ComplianceHooks hooks;
  try {
    rules = std::make_shared<const compliance::RuleSet>(compliance::RuleSet::load(rules_file));
  } catch (const compliance::RulesError& e) {
    spdlog::error(
        "compliance: {} (compliance.rules); backing up without checking compliance this cycle, each "
        "device keeps its last verdict; fix the file and the next cycle reads it again",
        e.what());
    hooks.paused = true;
    return hooks;
  }
  hooks.rules_digest = rules->digest();
  hooks.evaluate = [rules](const storage::DeviceRecord& device, std::string_view text) {
    std::vector<storage::ComplianceCheck> checks;
    for (auto& result : compliance::evaluate(*rules, {device.platform, device.role, device.site, device.tags}, text)) {
      checks.push_back({std::move(result.rule), std::string(compliance::severity_name(result.severity)), result.passed,
                        std::move(result.problems)});
    }
    return checks;
  };
  return hooks;
}

storage::StorageWriterOptions writer_options(const Config& config) {
  storage::StorageWriterOptions options;
  if (config.notify.netbox) {
    notify::NetboxStatusOptions status;
    status.last_backup_refresh = config.notify.last_backup_refresh;
    status.include_diff = config.storage.mask_secrets;  // an unmasked diff would carry secrets out
    options.hooks.on_device = [status](const storage::StateChange& change) {
      return notify::netbox_status_rows(change, status);
    };
  }
  std::vector<std::string> webhooks;
  for (const auto& hook : config.notify.slack)
    webhooks.push_back(hook.name);
  if (!webhooks.empty()) {
    options.hooks.on_run = [webhooks, url = config.netbox.url](const storage::RunDigest& digest) {
      return notify::slack_summary_rows(digest, url, webhooks);
    };
  }
  if (!config.compliance.rules.empty()) {
    options.compliance = compliance_hooks(config.compliance.rules);
  }
  options.full_copy_every = config.storage.full_copy_every;
  options.retention = {config.storage.keep_versions, config.storage.keep_days};
  return options;
}

}  // namespace

notify::DrainReport deliver_outbox(const Config& config, std::chrono::milliseconds budget,
                                   const std::atomic<bool>* stop) {
  notify::OutboxSenderOptions options;
  options.stop = stop;
  options.netbox = netbox_endpoint(config);
  options.timeout = std::min(config.netbox.timeout, std::chrono::milliseconds(15000));
  options.max_rows = config.notify.outbox_max_rows;
  for (const auto& hook : config.notify.slack)
    options.slack_webhooks[hook.name] = hook.url;
  notify::OutboxSender sender(config.storage.database, options);
  const auto report = sender.drain(std::chrono::steady_clock::now() + budget);
  if (report.requests > 0 || report.left > 0) {
    spdlog::info("notify: {} message(s) delivered in {} request(s), {} refused, {} waiting", report.delivered,
                 report.requests, report.refused + report.refused_fields, report.left);
  }
  return report;
}

namespace {

// Redraws the progress line on stderr twice a second until stopped.
class ProgressLine {
public:
  ProgressLine(const CycleSummary& summary, bool enabled) : m_summary(summary) {
    if (enabled) {
      m_thread = std::thread([this] {
        std::unique_lock lock(m_mutex);
        while (!m_stopped) {
          std::cerr << "\r\x1b[K" << m_summary.progress_line() << std::flush;
          m_wake.wait_for(lock, std::chrono::milliseconds(500));
        }
        std::cerr << "\r\x1b[K" << std::flush;
      });
    }
  }
  ~ProgressLine() {
    {
      std::lock_guard lock(m_mutex);
      m_stopped = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
      m_thread.join();
  }

private:
  const CycleSummary& m_summary;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  bool m_stopped = false;
  std::thread m_thread;
};

}  // namespace

void run_backup_cycle(const Config& config, const CycleOptions& options, CycleSummary& summary) {
  const backup::ProfileRegistry profiles = load_profiles(config);
  const auto names = profiles.names();
  const inventory::DeviceScope scope(config.netbox.filters.status, config.platforms, {names.begin(), names.end()});
  const backup::CredentialBook credentials = credential_book(config);

  const auto& database_file = config.storage.database;
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw ConfigError(problem);  // the same exit code (2) as every other command gives it
  }
  std::unique_ptr<storage::Database> database;
  std::unique_ptr<storage::HostKeyStore> host_keys;
  try {
    database = std::make_unique<storage::Database>(database_file);
    host_keys = std::make_unique<storage::HostKeyStore>(database_file);
  } catch (const storage::DatabaseError& e) {
    throw CycleError(e.what());
  }
  storage::StorageWriter writer(*database, writer_options(config));
  HostKeyPolicy host_key_policy(*host_keys, writer, config.ssh.host_key_policy == "strict");
  const auto run_id = writer.begin_run();
  if (!run_id) {
    throw CycleError(writer.error().value_or(database_file.string() + ": cannot start a run"));
  }
  spdlog::info("cycle: run {} started; reading devices from {}", *run_id, config.netbox.url);

  std::atomic<bool> storage_failed = false;
  auto store = [&](storage::AttemptRecord&& record) {
    if (!writer.submit(*run_id, std::move(record)))
      storage_failed = true;
  };
  const bool log_failures = options.log_each_failure;
  ProgressLine progress(summary, options.show_progress);
  backup::PoolOptions pool_settings = pool_options(config);
  pool_settings.limits.abandon = options.abandon;
  backup::BackupPool pool(pool_settings, credentials, host_key_policy, [&](backup::BackupResult&& result) {
    const bool ok = result.outcome.kind == OutcomeKind::ok;
    if (result.outcome.local_failure) {
      // nbsync's own shortage, not the device's: its state and NetBox stay as they were.
      summary.add_local_failure(result.outcome.message);
      return;
    }
    if (!ok && options.abandon != nullptr && options.abandon->load()) {
      // Given up because nbsync is stopping, not because of the device: record nothing,
      // so its state and NetBox stay as they were; the next cycle backs it up.
      spdlog::info("{}: not backed up, nbsync is shutting down", device_name(result.device));
      return;
    }
    if (options.on_device) {
      options.on_device(result.outcome.kind, result.bytes_read);
    }
    if (!ok && log_failures) {
      spdlog::warn("{}: {} after {} attempt(s): {}", device_name(result.device), to_string(result.outcome.kind),
                   result.outcome.attempts, result.outcome.message);
    }
    summary.add_outcome(result.outcome.kind, false, device_name(result.device), result.outcome.message);
    storage::AttemptRecord record;
    record.device_id = result.device.id;
    record.outcome = result.outcome.kind;
    record.message = result.outcome.message;
    record.tries = result.outcome.attempts;
    record.duration = result.duration;
    record.bytes = static_cast<std::int64_t>(result.bytes_read);
    if (ok)
      record.config = std::move(result.config.text);
    if (!result.device.nbsync_fields.empty())
      record.shown = std::move(result.device.nbsync_fields);
    store(std::move(record));
  });

  inventory::NetboxOptions netbox_settings = netbox_options(config);
  netbox_settings.stop = options.stop;
  inventory::NetboxClient netbox(netbox_settings);
  const auto walk = netbox.walk_devices(device_query(config), [&](std::vector<inventory::Device>&& page) {
    std::vector<storage::DeviceRecord> records;
    records.reserve(page.size());
    for (const auto& device : page)
      records.push_back(to_record(device));
    if (!writer.submit_devices(*run_id, std::move(records)))
      storage_failed = true;
    summary.add_inventory(page.size());
    for (auto& device : page) {
      if (storage_failed || (options.stop != nullptr && options.stop->load())) {
        return;  // storing or stopping: take no new devices
      }
      const auto decision = scope.decide(device);
      if (!decision.in_scope()) {
        summary.add_outcome(OutcomeKind::skipped, false, device_name(device), decision.skip_reason);
        storage::AttemptRecord record;
        record.device_id = device.id;
        record.outcome = OutcomeKind::skipped;
        record.message = device_name(device) + ": " + decision.skip_reason;
        record.tries = 0;
        if (!device.nbsync_fields.empty())
          record.shown = device.nbsync_fields;
        store(std::move(record));
        continue;
      }
      pool.submit({std::move(device), profiles.find(decision.profile)});
    }
  });
  pool.finish();
  if (summary.local_failures() > 0) {
    spdlog::error(
        "cycle: {} device(s) not backed up because nbsync ran out of file descriptors; their state is "
        "unchanged. Raise LimitNOFILE= (or ulimit -n) or lower ssh.workers",
        summary.local_failures());
  }
  summary.set_inventory_result(walk.complete, walk.expected, walk.error);
  if (!walk.complete) {
    spdlog::error("cycle: NetBox inventory incomplete: {}; backed up the {} devices read, retiring none", walk.error,
                  walk.received);
  }

  const auto totals = writer.finish_run(*run_id, walk.complete && !storage_failed,
                                        walk.complete ? "" : "inventory incomplete: " + walk.error);
  const bool stored = writer.close();
  summary.finish();
  if (!totals || !stored || storage_failed) {
    throw CycleError(writer.error().value_or(database_file.string() + ": results could not be stored"));
  }
  summary.set_changed(static_cast<std::size_t>(totals->changed));
  summary.set_search_index(static_cast<std::size_t>(totals->indexed), static_cast<double>(totals->index_ms) / 1000.0);
  if (totals->indexed > 0) {
    spdlog::info("cycle: {} new config(s) added to the search index ({:.1f} s of it after the run)", totals->indexed,
                 static_cast<double>(totals->index_ms) / 1000.0);
  }
  if (totals->pruned_versions > 0) {
    spdlog::info("cycle: retention removed {} old version(s)", totals->pruned_versions);
  }
  summary.set_retired(static_cast<std::size_t>(totals->retired));
}

}  // namespace nbsync::daemon
