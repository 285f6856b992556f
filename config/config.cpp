#include "config/config.hpp"

#include "compliance/rule_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "config/detail/collector_config_reader.hpp"
#include "config/detail/config_reader.hpp"
#include "config/detail/web_config_reader.hpp"
#include "config/detail/webhook_config_reader.hpp"
#include "config/postgres_uri.hpp"

namespace nbsync {
namespace {

using detail::ConfigReader;

template <typename T>
void assign(T& target, std::optional<T> value) {
  if (value) {
    target = std::move(*value);
  }
}

template <typename T>
T required(ConfigReader& reader, std::string_view key, std::optional<T> value, const std::string& expected) {
  if (!value) {
    reader.fail_table("missing key " + std::string(key) + " (expected " + expected + ")");
  }
  return std::move(*value);
}

DeviceFilters read_filters(ConfigReader& reader) {
  DeviceFilters filters;
  assign(filters.site, reader.string_list("site"));
  assign(filters.role, reader.string_list("role"));
  assign(filters.tag, reader.string_list("tag"));
  assign(filters.platform, reader.string_list("platform"));
  assign(filters.tenant, reader.string_list("tenant"));
  assign(filters.region, reader.string_list("region"));
  assign(filters.status, reader.string_list("status"));
  if (auto custom = reader.table("custom_fields")) {
    for (const auto& name : custom->keys()) {
      filters.custom_fields[name] = required(*custom, name, custom->string(name), "a string value");
    }
    custom->finish();
  }
  reader.finish();
  return filters;
}

NetboxConfig read_netbox(ConfigReader& reader) {
  NetboxConfig netbox;
  netbox.url =
      required(reader, "url", reader.string("url"), "the NetBox base URL, e.g. \"https://netbox.example.com\"");
  if (!netbox.url.starts_with("http://") && !netbox.url.starts_with("https://")) {
    reader.fail("url", "expected an http:// or https:// URL, got \"" + netbox.url + "\"");
  }
  while (netbox.url.ends_with('/')) {
    netbox.url.pop_back();
  }
  if (netbox.url.ends_with("/api")) {
    netbox.url.resize(netbox.url.size() - 4);  // people paste the API root; nbsync adds /api/ itself
  }
  netbox.token = required(reader, "token", reader.secret("token"),
                          "token_file = \"/path/to/file\" or token = \"env:VARIABLE\" holding a NetBox API token");
  assign(netbox.timeout, reader.duration("timeout"));
  assign(netbox.verify_tls, reader.boolean("verify_tls"));
  if (auto ca = reader.path("ca_file")) {
    netbox.ca_file = ca->string();
  }
  if (auto size = reader.integer("page_size", 1, 1000)) {
    netbox.page_size = static_cast<int>(*size);
  }
  if (auto filters = reader.table("filters")) {
    netbox.filters = read_filters(*filters);
  }
  assign(netbox.history_url, reader.string("history_url"));
  assign(netbox.drift, reader.boolean("drift"));
  if (auto recheck = reader.duration("drift_recheck")) {
    netbox.drift_recheck = std::chrono::duration_cast<std::chrono::seconds>(*recheck);
    if (netbox.drift_recheck < std::chrono::minutes(1)) {
      reader.fail("drift_recheck", "expected at least 1m (every render is work for NetBox)");
    }
  }
  reader.finish();
  return netbox;
}

Credential read_credential(ConfigReader& reader) {
  Credential credential;
  assign(credential.username, reader.string("username"));
  assign(credential.password, reader.secret("password"));
  if (auto key = reader.path("private_key_file")) {
    credential.private_key_file = key->string();
  }
  assign(credential.enable_secret, reader.secret("enable_secret"));
  return credential;
}

// The devices a table applies to: site, region, tenant, role, tag, platform (slugs).
inventory::DeviceSelector read_scope(ConfigReader& entry) {
  inventory::DeviceSelector scope;
  assign(scope.site, entry.string("site"));
  assign(scope.tenant, entry.string("tenant"));
  assign(scope.role, entry.string("role"));
  assign(scope.tag, entry.string("tag"));
  assign(scope.platform, entry.string("platform"));
  assign(scope.region, entry.string("region"));
  return scope;
}

SshLimit read_limit(ConfigReader& entry) {
  SshLimit limit;
  limit.scope = read_scope(entry);
  if (auto sessions = entry.integer("sessions", 1, 100000)) {
    limit.sessions = static_cast<int>(*sessions);
  }
  assign(limit.logins_per_second, entry.number("logins_per_second", 0.001, 100000));
  entry.finish();
  if (limit.sessions == 0 && limit.logins_per_second == 0) {
    entry.fail_table("a limit needs sessions = N (at once) and/or logins_per_second = R");
  }
  return limit;
}

JumpHostConfig read_jump_host(ConfigReader& entry) {
  JumpHostConfig jump_host;
  assign(jump_host.name, entry.string("name"));
  assign(jump_host.address, entry.string("address"));
  if (auto port = entry.integer("port", 1, 65535)) {
    jump_host.port = static_cast<std::uint16_t>(*port);
  }
  assign(jump_host.credential.username, entry.string("username"));
  assign(jump_host.credential.password, entry.secret("password"));
  if (auto key = entry.path("private_key_file")) {
    jump_host.credential.private_key_file = key->string();
  }
  assign(jump_host.via, entry.string("via"));
  jump_host.scope = read_scope(entry);
  if (auto sessions = entry.integer("sessions", 1, 100000)) {
    jump_host.sessions = static_cast<int>(*sessions);
  }
  entry.finish();
  if (jump_host.name.empty() || jump_host.address.empty() || jump_host.credential.username.empty()) {
    entry.fail_table("a jump host needs name, address and username (and a password or private_key_file)");
  }
  if (jump_host.credential.password.empty() && jump_host.credential.private_key_file.empty()) {
    entry.fail_table("jump host " + jump_host.name + " needs a password or a private_key_file");
  }
  return jump_host;
}

// Every name once, every `via` another jump host, and no chain that comes back to itself.
void check_jump_hosts(const ConfigReader& reader, const std::vector<JumpHostConfig>& jump_hosts) {
  std::map<std::string, std::string> via_of;
  for (const auto& jump_host : jump_hosts) {
    if (!via_of.emplace(jump_host.name, jump_host.via).second) {
      reader.fail("jump_host", "two jump hosts are named " + jump_host.name);
    }
  }
  for (const auto& jump_host : jump_hosts) {
    std::string hop = jump_host.via;
    for (std::size_t steps = 0; !hop.empty(); ++steps) {
      const auto next = via_of.find(hop);
      if (next == via_of.end()) {
        reader.fail("jump_host",
                    "jump host " + jump_host.name + " is reached via " + hop + ", which no [[ssh.jump_host]] names");
      }
      if (steps >= jump_hosts.size()) {
        reader.fail("jump_host", "jump host " + jump_host.name + " is reached through a loop of vias");
      }
      hop = next->second;
    }
  }
}

SshConfig read_ssh(ConfigReader& reader) {
  SshConfig ssh;
  if (auto port = reader.integer("port", 1, 65535)) {
    ssh.port = static_cast<std::uint16_t>(*port);
  }
  assign(ssh.port_custom_field, reader.string("port_custom_field"));
  assign(ssh.port_config_context, reader.string("port_config_context"));
  if (auto fallback = reader.string("address_fallback")) {
    if (*fallback != "none" && *fallback != "dns") {
      reader.fail("address_fallback", "expected \"none\" or \"dns\", got \"" + *fallback + "\"");
    }
    ssh.dns_fallback = *fallback == "dns";
  }
  if (auto workers = reader.integer("workers", 1, 4096)) {
    ssh.workers = static_cast<int>(*workers);
  }
  assign(ssh.connect_timeout, reader.duration("connect_timeout"));
  assign(ssh.login_timeout, reader.duration("login_timeout"));
  assign(ssh.command_idle_timeout, reader.duration("command_idle_timeout"));
  assign(ssh.command_timeout, reader.duration("command_timeout"));
  if (auto bytes = reader.byte_size("max_config_bytes")) {
    ssh.max_config_bytes = static_cast<std::size_t>(*bytes);
  }
  if (auto bytes = reader.byte_size("memory_budget")) {
    ssh.memory_budget = static_cast<std::size_t>(*bytes);
  }
  if (auto start = reader.integer("site_sessions_start", 0, 100000)) {
    ssh.site_sessions_start = static_cast<int>(*start);
  }
  if (const auto rate = reader.number("site_logins_per_second", 0, 100000)) {
    ssh.site_logins_per_second = *rate;
  }
  if (auto retries = reader.integer("retries", 0, 10)) {
    ssh.retries = static_cast<int>(*retries);
  }
  if (auto policy = reader.string("host_key_policy")) {
    if (*policy != "tofu" && *policy != "strict") {
      reader.fail("host_key_policy", "expected \"tofu\" or \"strict\", got \"" + *policy + "\"");
    }
    ssh.host_key_policy = *policy == "strict" ? HostKeyTrust::strict : HostKeyTrust::first_use;
  }
  assign(ssh.profiles_dir, reader.path("profiles_dir"));
  for (auto& entry : reader.array_of_tables("limit")) {
    ssh.limits.push_back(read_limit(entry));
  }
  for (auto& entry : reader.array_of_tables("jump_host")) {
    ssh.jump_hosts.push_back(read_jump_host(entry));
  }
  check_jump_hosts(reader, ssh.jump_hosts);
  reader.finish();
  return ssh;
}

void read_credentials(ConfigReader& reader, Config& config) {
  config.credentials = read_credential(reader);
  for (auto& entry : reader.array_of_tables("override")) {
    CredentialOverride item;
    assign(item.platform, entry.string("platform"));
    assign(item.tag, entry.string("tag"));
    if (item.platform.empty() && item.tag.empty()) {
      entry.fail_table("an override needs platform = \"slug\", tag = \"slug\", or both");
    }
    item.credential = read_credential(entry);
    entry.finish();
    config.credential_overrides.push_back(std::move(item));
  }
  if (config.credentials.username.empty()) {
    reader.fail_table("missing key username (expected the SSH login name used for devices)");
  }
  reader.finish();
}

// storage.mask_key or storage.mask_key_file: a file that does not exist yet is created
// by the first backup (load_mask_key), so only its path is kept then.
void read_mask_key(ConfigReader& reader, StorageConfig& storage) {
  const auto file = reader.path("mask_key_file");
  if (file && !std::filesystem::exists(*file)) {
    if (reader.string("mask_key")) {
      reader.fail("mask_key", "set either mask_key = \"credential:NAME\" or mask_key_file, not both");
    }
    storage.mask_key_file = *file;
    return;
  }
  assign(storage.mask_key, reader.secret("mask_key"));
  if (file) {
    storage.mask_key_file = *file;
  }
}

// storage.database = "postgresql://user@host/db?sslmode=verify-full": kept as given (libpq
// reads it); a password in it is refused, as every secret inline is.
void read_postgres_uri(ConfigReader& reader, StorageConfig& storage, const std::string& uri) {
  if (const std::string problem = postgres_uri_password_problem(uri); !problem.empty()) {
    reader.fail("database", problem +
                                "; remove it and put it in database_password = \"credential:NAME\" (or \"env:NAME\", "
                                "or database_password_file)");
  }
  storage.postgres_uri = uri;
  storage.database = uri;  // what messages name
}

StorageConfig read_storage(ConfigReader& reader) {
  StorageConfig storage;
  const auto location = reader.string("database");
  if (location && (location->rfind("postgresql://", 0) == 0 || location->rfind("postgres://", 0) == 0)) {
    read_postgres_uri(reader, storage, *location);
  } else {
    assign(storage.database, reader.path("database"));  // a file, relative to the config's directory
  }
  assign(storage.database_password, reader.secret("database_password"));
  if (!storage.database_password.empty() && storage.postgres_uri.empty()) {
    reader.fail("database_password", "only a PostgreSQL storage.database (postgresql://...) takes a password");
  }
  assign(storage.mask_secrets, reader.boolean("mask_secrets"));
  read_mask_key(reader, storage);
  if (auto every = reader.integer("full_copy_every", 1, 1000)) {
    storage.full_copy_every = static_cast<int>(*every);
  }
  assign(storage.keep_versions, reader.integer("keep_versions", 0, 1000000));
  assign(storage.keep_days, reader.integer("keep_days", 0, 100000));
  reader.finish();
  return storage;
}

DaemonConfig read_daemon(ConfigReader& reader) {
  DaemonConfig daemon;
  assign(daemon.interval, reader.duration("interval"));
  if (daemon.interval < std::chrono::seconds(1)) {
    reader.fail("interval", "expected at least 1s between cycle starts");
  }
  assign(daemon.jitter, reader.duration("jitter"));
  assign(daemon.shutdown_grace, reader.duration("shutdown_grace"));
  if (auto listen = reader.listen_address("metrics_listen")) {
    daemon.metrics_listen = *listen;
  }
  reader.finish();
  return daemon;
}

ComplianceConfig read_compliance(ConfigReader& reader) {
  ComplianceConfig compliance;
  assign(compliance.rules, reader.path("rules"));
  if (!compliance.rules.empty()) {
    try {
      compliance::RuleSet::load(compliance.rules);  // a bad rules file is a bad config
    } catch (const compliance::RulesError& e) {
      reader.fail("rules", e.what());
    }
  }
  reader.finish();
  return compliance;
}

NotifyConfig read_notify(ConfigReader& reader) {
  NotifyConfig notify;
  assign(notify.netbox, reader.boolean("netbox"));
  if (auto refresh = reader.duration("last_backup_refresh")) {
    notify.last_backup_refresh = std::chrono::duration_cast<std::chrono::seconds>(*refresh);
  }
  assign(notify.drain_timeout, reader.duration("drain_timeout"));
  assign(notify.retry_interval, reader.duration("retry_interval"));
  if (notify.retry_interval < std::chrono::seconds(1)) {
    reader.fail("retry_interval", "expected at least 1s");
  }
  if (auto rows = reader.integer("outbox_max_rows", 100, 100000000)) {
    notify.outbox_max_rows = *rows;
  }
  for (auto& entry : reader.array_of_tables("slack")) {
    SlackWebhook hook;
    hook.name = required(entry, "name", entry.string("name"), "a name for the webhook, e.g. \"ops\"");
    if (hook.name.empty() ||
        hook.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
      entry.fail("name", "expected lower-case letters, digits, - and _");
    }
    hook.url = required(entry, "url", entry.secret("url"),
                        "url_file = \"/path\" or url = \"env:VARIABLE\" with the webhook URL");
    if (!hook.url.reveal().starts_with("http://") && !hook.url.reveal().starts_with("https://")) {
      entry.fail("url", "the webhook (from " + hook.url.origin() + ") is not an http(s) URL");
    }
    entry.finish();
    notify.slack.push_back(std::move(hook));
  }
  reader.finish();
  return notify;
}

LogConfig read_log(ConfigReader& reader) {
  LogConfig log;
  if (auto level = reader.string("level")) {
    static const std::vector<std::string> k_levels = {"trace", "debug", "info", "warn", "error"};
    if (std::find(k_levels.begin(), k_levels.end(), *level) == k_levels.end()) {
      reader.fail("level", "expected one of trace, debug, info, warn, error, got \"" + *level + "\"");
    }
    log.level = *level;
  }
  if (auto format = reader.string("format")) {
    if (*format != "plain" && *format != "json") {
      reader.fail("format", "expected \"plain\" or \"json\", got \"" + *format + "\"");
    }
    log.format = *format;
  }
  reader.finish();
  return log;
}

toml::table parse_file(const std::filesystem::path& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw ConfigError(path.string() + ": is a directory, not a config file (give the file's path with -c, e.g. " +
                      (path / "nbsync.toml").string() + ")");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string() + ": cannot read the config file: " + std::strerror(errno) +
                      " (give its path with -c, or copy systemd/nbsync.example.toml there)");
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    throw ConfigError(path.string() + ":" + std::to_string(e.source().begin.line) +
                      ": TOML syntax error: " + std::string(e.description()));
  }
}

}  // namespace

inventory::NetboxEndpoint netbox_endpoint(const Config& config) {
  return {config.netbox.url, config.netbox.token, config.netbox.timeout, config.netbox.verify_tls,
          config.netbox.ca_file};
}

std::string database_path_problem(const Config& config) {
  if (on_postgres(config)) {
    return "";  // a URI, not a file: the server says what is wrong with it when nbsync connects
  }
  const std::filesystem::path& file = config.storage.database;
  const std::filesystem::path directory = file.parent_path();
  std::error_code ignored;
  if (std::filesystem::is_directory(file, ignored)) {
    return file.string() + ": is a directory (storage.database names the database file, e.g. " +
           (file / "nbsync.db").string() + ")";
  }
  if (!directory.empty() && !std::filesystem::is_directory(directory, ignored)) {
    return directory.string() +
           ": the database directory does not exist (storage.database); create it, or let systemd's "
           "StateDirectory= do it";
  }
  return "";
}

Config load_config(const std::filesystem::path& path) {
  const toml::table root = parse_file(path);
  ConfigReader reader(root, path, "");
  Config config;
  config.source = path;

  auto netbox = reader.table("netbox");
  if (!netbox) {
    reader.fail_table("missing table [netbox] (expected url and token_file)");
  }
  config.netbox = read_netbox(*netbox);
  auto credentials = reader.table("credentials");
  if (!credentials) {
    reader.fail_table("missing table [credentials] (expected at least username and a password or key)");
  }
  read_credentials(*credentials, config);
  if (auto ssh = reader.table("ssh")) {
    config.ssh = read_ssh(*ssh);
  }
  if (auto platforms = reader.table("platforms")) {
    for (const auto& slug : platforms->keys()) {
      config.platforms[slug] = required(*platforms, slug, platforms->string(slug), "a profile name");
    }
    platforms->finish();
  }
  if (auto storage = reader.table("storage")) {
    config.storage = read_storage(*storage);
  }
  if (auto daemon = reader.table("daemon")) {
    config.daemon = read_daemon(*daemon);
  }
  if (auto compliance = reader.table("compliance")) {
    config.compliance = read_compliance(*compliance);
  }
  if (auto notify = reader.table("notify")) {
    config.notify = read_notify(*notify);
  }
  if (auto log = reader.table("log")) {
    config.log = read_log(*log);
  }
  if (auto web = reader.table("web")) {
    config.web = detail::read_web(*web);
  }
  if (auto webhook = reader.table("webhook")) {
    config.webhook = detail::read_webhook(*webhook);
  }
  if (auto collector = reader.table("collector")) {
    config.collector = detail::read_collector(*collector, config.netbox.filters);
  }
  reader.finish();
  return config;
}

}  // namespace nbsync
