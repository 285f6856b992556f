#pragma once
// nbsync's whole configuration, read from one TOML file and validated once by
// load_config(). After loading, every value is present and in range, and every secret
// has been read from its file or environment variable. Keys are documented in
// systemd/nbsync.example.toml.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/collector_config.hpp"
#include "config/web_config.hpp"
#include "config/webhook_config.hpp"
#include "inventory/device_selector.hpp"
#include "inventory/netbox_endpoint.hpp"
#include "types/secret.hpp"
#include "types/user_error.hpp"

namespace nbsync {

// A configuration problem, already worded for the user: "file:line: key: what was expected".
class ConfigError : public UserError {
public:
  explicit ConfigError(const std::string& message) : UserError(message, k_exit_usage) {}
};

struct DeviceFilters {
  std::vector<std::string> site, role, tag, platform, tenant;  // NetBox slugs, OR within a key (tag: AND)
  std::vector<std::string> region;                   // NetBox region slugs: their sites and their sub-regions' sites
  std::vector<std::string> status{"active"};         // NetBox status values in scope
  std::map<std::string, std::string> custom_fields;  // cf_<name>=<value>
};

// ssh.host_key_policy: trust a device's first key ("tofu"), or only keys already accepted ("strict").
enum class HostKeyTrust { first_use, strict };

struct NetboxConfig {
  std::string url;  // base URL, no trailing slash: https://netbox.example.com
  Secret token;
  std::chrono::milliseconds timeout{30000};
  bool verify_tls = true;
  std::string ca_file;
  int page_size = 250;  // smaller pages keep the parsed page small; NetBox allows up to 1000
  DeviceFilters filters;
  std::string history_url;  // URL template of the "Config history" link netbox-setup creates
  // The drift check (daemon/drift_check.hpp): on, and how old a verdict may get before
  // NetBox renders the device's intended config again.
  bool drift = true;
  std::chrono::seconds drift_recheck{std::chrono::hours(24)};
};

struct SlackWebhook {
  std::string name;
  Secret url;  // an incoming-webhook URL carries its token: a secret
};

struct NotifyConfig {
  bool netbox = true;  // write status custom fields and journal entries to NetBox
  std::chrono::seconds last_backup_refresh{std::chrono::hours(24)};
  std::chrono::milliseconds drain_timeout{30000};   // how long `run --once` delivers the outbox
  std::chrono::milliseconds retry_interval{60000};  // the daemon retries undelivered messages this often
  std::int64_t outbox_max_rows = 100000;
  std::vector<SlackWebhook> slack;
};

struct Credential {
  std::string username;
  Secret password;
  std::string private_key_file;
  Secret enable_secret;
};

// Credentials used instead of the default for devices of a platform and/or with a tag.
struct CredentialOverride {
  std::string platform;  // NetBox platform slug; empty: any
  std::string tag;       // NetBox tag slug; empty: any
  Credential credential;
};

// [[ssh.limit]]: at most `sessions` SSH sessions at once and `logins_per_second` new logins
// a second among the devices `scope` matches (no scope key: every device).
struct SshLimit {
  inventory::DeviceSelector scope;
  int sessions = 0;              // 0: no cap
  double logins_per_second = 0;  // 0: no cap
};

// [[ssh.jump_host]]: an SSH bastion devices are reached through, with its own login (a
// password or a key; no enable secret); `via` names the bastion it is itself reached
// through (a chain), empty when nbsync dials it directly. It fronts the devices its scope
// matches (site, tenant, role, tag, platform; the first jump host that matches) and those
// whose NetBox custom field nbsync_jump_host names it; with no scope, only the latter.
// `sessions`: device sessions through it at once.
struct JumpHostConfig {
  std::string name;
  std::string address;
  std::uint16_t port = 22;
  Credential credential;
  std::string via;
  inventory::DeviceSelector scope;
  int sessions = 64;
};

struct SshConfig {
  std::uint16_t port = 22;
  std::string port_custom_field;    // NetBox custom field that overrides the port per device
  std::string port_config_context;  // config-context key that overrides the port per device
  bool dns_fallback = false;        // no primary IP in NetBox: dial the device name
  int workers = 768;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds login_timeout{20000};
  // About 1 % of a real fleet (old firewalls, busy supervisors) is silent for 20-90 s before
  // its config starts: the idle timeout must outlast that, or those devices fail every cycle.
  std::chrono::milliseconds command_idle_timeout{120000};
  std::chrono::milliseconds command_timeout{300000};
  std::size_t max_config_bytes = 8u << 20;
  std::size_t memory_budget = 32u << 20;  // config bytes all sessions hold at once
  // Each site's window of sessions at once starts here and moves with how its logins go
  // (backup::CongestionWindow); 0: no per-site back-off.
  int site_sessions_start = 16;
  // New logins a second at each site, unless an [[ssh.limit]] with its own logins_per_second
  // covers the device (backup::PoolOptions::site_logins_per_second); 0: no pace.
  double site_logins_per_second = 2;
  int retries = 2;
  HostKeyTrust host_key_policy = HostKeyTrust::first_use;  // "tofu" or "strict" in the file
  std::filesystem::path profiles_dir;                      // user profiles that add to or override the shipped ones
  std::vector<SshLimit> limits;
  std::vector<JumpHostConfig> jump_hosts;  // names unique, every `via` names another, no loop
};

struct StorageConfig {
  // The SQLite file; or, when `storage.database` is "postgresql://..." (or "postgres://"),
  // that URI as given (postgres_uri set) and the password apart from it.
  std::filesystem::path database = "/var/lib/nbsync/nbsync.db";
  std::string postgres_uri;  // empty: SQLite
  Secret database_password;  // database_password = "credential:NAME" / "env:NAME" / database_password_file
  bool mask_secrets = true;
  // The key masked secrets are tagged under ("<removed:5f2a9c>", so a rotated secret is a
  // change); never stored in the database. `mask_key` ("credential:NAME" or "env:NAME") is
  // read here; `mask_key_file` is read, or created (0600, random) by the first backup, by
  // load_mask_key(). Neither set: secrets are masked as "<removed>".
  Secret mask_key;
  std::filesystem::path mask_key_file;
  int full_copy_every = 10;        // versions are zstd deltas, with a full copy every N; 1 = no deltas
  std::int64_t keep_versions = 0;  // per device; 0 = all (the latest is always kept)
  std::int64_t keep_days = 0;      // versions replaced more than N days ago go; 0 = forever
};

// `nbsync daemon`: cycles every `interval` (start to start) plus a random delay up to
// `jitter`; on SIGTERM devices in flight get `shutdown_grace` to finish.
struct DaemonConfig {
  std::chrono::milliseconds interval{std::chrono::hours(1)};
  std::chrono::milliseconds jitter{std::chrono::minutes(1)};
  std::chrono::milliseconds shutdown_grace{30000};
  std::string metrics_listen = "127.0.0.1:9810";  // Prometheus /metrics; "" turns it off
};

struct ComplianceConfig {
  std::filesystem::path rules;  // TOML rules checked on every new version; empty: no checks
};

struct LogConfig {
  std::string level = "info";    // trace, debug, info, warn, error
  std::string format = "plain";  // plain or json
};

struct Config {
  std::filesystem::path source;  // the file this came from
  NetboxConfig netbox;
  SshConfig ssh;
  Credential credentials;
  std::vector<CredentialOverride> credential_overrides;
  std::map<std::string, std::string> platforms;  // NetBox platform slug -> profile name
  StorageConfig storage;
  ComplianceConfig compliance;
  NotifyConfig notify;
  DaemonConfig daemon;
  LogConfig log;
  WebConfig web;
  WebhookConfig webhook;
  CollectorConfig collector;
};

// Reads and validates `path`. Relative paths inside the file are taken relative to the
// file's directory. Throws ConfigError on the first problem.
// True when storage.database names PostgreSQL.
inline bool on_postgres(const Config& config) {
  return !config.storage.postgres_uri.empty();
}

// Empty when storage.database can be the database file: its directory exists (nbsync
// creates the file, never the directory) and it is not a directory itself; else a
// one-line problem for the user. Every command checks it the same way (exit 2). Empty on
// PostgreSQL (nothing to check before connecting).
std::string database_path_problem(const Config& config);

// Where [netbox] says NetBox is, for every module that talks to it.
inventory::NetboxEndpoint netbox_endpoint(const Config& config);

Config load_config(const std::filesystem::path& path);

}  // namespace nbsync
