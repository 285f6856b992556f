#include "daemon/cycle_settings.hpp"

#include "daemon/backup_cycle.hpp"

#include <spdlog/spdlog.h>

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "compliance/evaluator.hpp"
#include "compliance/rule_set.hpp"
#include "config/mask_key_file.hpp"
#include "daemon/file_limit.hpp"
#include "notify/netbox_status.hpp"
#include "notify/slack_summary.hpp"

namespace nbsync::daemon {
namespace {

backup::Credentials to_credentials(const Credential& c) {
  return {c.username, c.password, c.private_key_file, c.enable_secret};
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

// [[ssh.jump_host]] as the pool routes devices: each jump host with its chain resolved
// (the config reader checked that every `via` names another and none loops).
// The scope with its region's sites; every region a scope names was read (cycle_region_sites).
inventory::DeviceSelector resolved(inventory::DeviceSelector scope, const inventory::RegionSites& regions) {
  if (!scope.resolve_region(regions)) {
    throw CycleError("region " + scope.region + ": its sites were not read from NetBox before the cycle");
  }
  return scope;
}

backup::JumpHostRoutes jump_host_routes(const std::vector<JumpHostConfig>& configured,
                                        const inventory::RegionSites& regions) {
  std::map<std::string, std::shared_ptr<const backup::JumpHost>> built;
  const std::function<std::shared_ptr<const backup::JumpHost>(const JumpHostConfig&)> build =
      [&](const JumpHostConfig& entry) -> std::shared_ptr<const backup::JumpHost> {
    if (auto done = built.find(entry.name); done != built.end()) {
      return done->second;
    }
    auto jump_host = std::make_shared<backup::JumpHost>();
    jump_host->name = entry.name;
    jump_host->address = entry.address;
    jump_host->port = entry.port;
    jump_host->credentials = to_credentials(entry.credential);
    for (const auto& outer : configured) {
      if (!entry.via.empty() && outer.name == entry.via) {
        jump_host->via = build(outer);
      }
    }
    return built[entry.name] = jump_host;
  };
  std::vector<backup::JumpHostRule> rules;
  for (const auto& entry : configured) {
    rules.push_back({build(entry), resolved(entry.scope, regions), entry.sessions});
  }
  return backup::JumpHostRoutes(std::move(rules));
}

}  // namespace

backup::ProfileRegistry cycle_profiles(const Config& config) {
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

backup::CredentialBook cycle_credentials(const Config& config) {
  std::vector<backup::CredentialRule> rules;
  for (const auto& rule : config.credential_overrides) {
    rules.push_back({rule.platform, rule.tag, to_credentials(rule.credential)});
  }
  return backup::CredentialBook(to_credentials(config.credentials), std::move(rules));
}

inventory::NetboxOptions cycle_netbox_options(const Config& config) {
  inventory::NetboxOptions options;
  options.netbox = netbox_endpoint(config);
  options.page_size = config.netbox.page_size;
  options.parse.default_port = config.ssh.port;
  options.parse.port_custom_field = config.ssh.port_custom_field;
  options.parse.port_context_key = config.ssh.port_config_context;
  options.parse.dns_fallback = config.ssh.dns_fallback;
  return options;
}

inventory::DeviceQuery cycle_device_query(const Config& config) {
  const auto& f = config.netbox.filters;
  return {f.site, f.role, f.tag, f.platform, f.tenant, f.custom_fields, {}, f.region};
}

inventory::RegionSites cycle_region_sites(const Config& config, const inventory::NetboxOptions& netbox) {
  std::set<std::string> named;
  for (const auto& limit : config.ssh.limits) {
    named.insert(limit.scope.region);
  }
  for (const auto& jump_host : config.ssh.jump_hosts) {
    named.insert(jump_host.scope.region);
  }
  named.erase("");
  inventory::RegionSites regions;
  if (named.empty()) {
    return regions;
  }
  inventory::NetboxClient client(netbox);
  for (const auto& region : named) {
    inventory::SitesOfRegion sites = client.sites_in_region(region);
    if (!sites.complete) {
      throw CycleError("cannot apply the [[ssh.limit]]/[[ssh.jump_host]] scopes naming " + sites.error +
                       "; no device was backed up. Check the region's slug in NetBox (Organization > Regions)");
    }
    spdlog::info("cycle: region {} has {} site(s) in NetBox", region, sites.slugs.size());
    regions.emplace(region, std::move(sites.slugs));
  }
  return regions;
}

backup::PoolOptions cycle_pool_options(const Config& config, const inventory::RegionSites& regions) {
  backup::PoolOptions options;
  options.workers = fit_workers_to_file_limit(config.ssh.workers, !config.ssh.jump_hosts.empty());
  options.retries = config.ssh.retries;
  options.limits.connect_timeout = config.ssh.connect_timeout;
  options.limits.login_timeout = config.ssh.login_timeout;
  options.limits.command_idle_timeout = config.ssh.command_idle_timeout;
  options.limits.command_timeout = config.ssh.command_timeout;
  options.limits.max_config_bytes = config.ssh.max_config_bytes;
  options.memory_budget = config.ssh.memory_budget;
  options.site_sessions_start = config.ssh.site_sessions_start;
  options.site_logins_per_second = config.ssh.site_logins_per_second;
  options.mask_secrets = config.storage.mask_secrets;
  if (const auto key = load_mask_key(config.storage)) {
    options.mask_key = std::make_shared<const backup::MaskKey>(*key);
  }
  for (const auto& limit : config.ssh.limits) {
    options.scope_limits.push_back({resolved(limit.scope, regions), limit.sessions, limit.logins_per_second});
  }
  options.jump_hosts = jump_host_routes(config.ssh.jump_hosts, regions);
  return options;
}

storage::StorageWriterOptions cycle_writer_options(const Config& config) {
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
  for (const auto& hook : config.notify.slack) {
    webhooks.push_back(hook.name);
  }
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

notify::OutboxSenderOptions cycle_outbox_options(const Config& config, std::stop_token stop) {
  notify::OutboxSenderOptions options;
  options.stop = std::move(stop);
  options.netbox = netbox_endpoint(config);
  options.timeout = std::min(config.netbox.timeout, std::chrono::milliseconds(15000));
  options.max_rows = config.notify.outbox_max_rows;
  for (const auto& hook : config.notify.slack) {
    options.slack_webhooks[hook.name] = hook.url;
  }
  return options;
}

storage::DatabaseLocation cycle_database(const Config& config) {
  return storage::database_location(config.storage.database, config.storage.postgres_uri,
                                    config.storage.database_password);
}

}  // namespace nbsync::daemon
