#include "cli/cli.hpp"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands/compliance_command.hpp"
#include "commands/db_copy_command.hpp"
#include "commands/drift_command.hpp"
#include "commands/history_commands.hpp"
#include "commands/host_key_command.hpp"
#include "commands/netbox_setup_command.hpp"
#include "commands/outbox_command.hpp"
#include "commands/search_command.hpp"
#include "commands/status_command.hpp"
#include "config/config.hpp"
#include "config/logging.hpp"
#include "daemon/run_once.hpp"
#include "daemon/service_loop.hpp"
#include "types/user_error.hpp"
#include "web/web_command.hpp"

namespace nbsync::cli {
namespace {

using namespace commands;  // the runners and their options, one per subcommand

constexpr const char* k_default_config = "/etc/nbsync/nbsync.toml";

struct Options {
  std::filesystem::path config = k_default_config;
  bool once = false;
  bool json = false;
  std::string device;
};

void add_config_option(CLI::App* command, Options& options) {
  command->add_option("-c,--config", options.config, "Configuration file")->capture_default_str()->type_name("FILE");
}

constexpr const char* k_device_help = "Device name as NetBox shows it, or its NetBox id";

// A subcommand and what running it does, once CLI11 has filled its options.
struct Subcommand {
  CLI::App* command;
  std::function<int()> run;
};

// A subcommand's own options live as long as its runner.
template <typename T>
std::shared_ptr<T> options_of() {
  return std::make_shared<T>();
}

void add_scope_options(CLI::App* command, std::string& platform, std::string& site, std::string& role) {
  command->add_option("--platform", platform, "Only devices of this NetBox platform (slug)");
  command->add_option("--site", site, "Only devices of this NetBox site (slug)");
  command->add_option("--role", role, "Only devices of this NetBox device role (slug)");
}

Subcommand register_run(CLI::App& app, Options& options) {
  auto* run = app.add_subcommand("run", "Run backup cycles in the foreground (one with --once)");
  add_config_option(run, options);
  run->add_flag("--once", options.once, "Run one cycle and exit");
  run->add_flag("--json", options.json, "Print the cycle summary as JSON");
  // Without --once, the service loop in the foreground.
  return {run, [&options] {
            return options.once ? daemon::run_once(options.config, options.json) : daemon::run_daemon(options.config);
          }};
}

Subcommand register_daemon(CLI::App& app, Options& options) {
  auto* daemon = app.add_subcommand("daemon", "Run as a service: cycles on a schedule until SIGTERM");
  add_config_option(daemon, options);
  return {daemon, [&options] { return daemon::run_daemon(options.config); }};
}

Subcommand register_web(CLI::App& app, Options& options) {
  auto* web = app.add_subcommand("web", "Serve the config history viewer ([web] listen) read-only until SIGTERM");
  add_config_option(web, options);
  return {web, [&options] { return web::run_web(options.config); }};
}

Subcommand register_hostkey(CLI::App& app, Options& options) {
  auto* hostkey = app.add_subcommand("hostkey", "Manage the SSH host keys nbsync trusts");
  hostkey->require_subcommand(1);
  auto* accept = hostkey->add_subcommand(
      "accept", "Trust the changed host key a device or jump host presented (after checking why it changed)");
  add_config_option(accept, options);
  accept->add_option("device", options.device, std::string(k_device_help) + ", or a [[ssh.jump_host]] name")
      ->required();
  auto fingerprint = options_of<std::string>();
  accept->add_option("--fingerprint", *fingerprint,
                     "Accept only if the new key has this fingerprint (SHA256:..., as ssh-keygen -l prints it)");
  return {accept, [&options, fingerprint] {
            const Config config = load_config(options.config);
            setup_logging(config.log);
            return accept_host_key(config, options.device, *fingerprint);
          }};
}

Subcommand register_history(CLI::App& app, Options& options) {
  auto history = options_of<HistoryOptions>();
  auto* command = app.add_subcommand("history", "List the stored versions of a device's config");
  add_config_option(command, options);
  command->add_option("device", history->device, k_device_help)->required();
  command->add_flag("--json", history->json, "Print the versions as JSON");
  return {command, [&options, history] { return run_history(load_config(options.config), *history); }};
}

Subcommand register_show(CLI::App& app, Options& options) {
  auto show = options_of<ShowOptions>();
  auto* command = app.add_subcommand("show", "Print a stored config (the latest unless --version or --at)");
  add_config_option(command, options);
  command->add_option("device", show->device, k_device_help)->required();
  auto* version =
      command->add_option("--version", show->version, "Version number (see nbsync history)")->type_name("N");
  command
      ->add_option("--at", show->at,
                   "The version current at this time: ISO 8601 (UTC unless it has an offset) or YYYY-MM-DD")
      ->type_name("TIME")
      ->excludes(version);
  command->add_flag("--json", show->json, "Print the config and its version as JSON");
  return {command, [&options, show] { return run_show(load_config(options.config), *show); }};
}

Subcommand register_drift(CLI::App& app, Options& options) {
  auto drift = options_of<DriftOptions>();
  auto* command = app.add_subcommand(
      "drift", "Show how a device's stored configs differ from NetBox's intended config (its template)");
  add_config_option(command, options);
  command->add_option("device", drift->device, k_device_help)->required();
  command->add_flag("--json", drift->json, "Print each checked version and the differing lines as JSON");
  return {command, [&options, drift] { return run_drift(load_config(options.config), *drift); }};
}

Subcommand register_diff(CLI::App& app, Options& options) {
  auto diff = options_of<DiffOptions>();
  auto* command = app.add_subcommand(
      "diff", "Show what changed between versions A and B of a device's config (default: the latest change)");
  add_config_option(command, options);
  command->add_option("device", diff->device, k_device_help)->required();
  command->add_option("A", diff->from, "Older version number (default: the one before the latest)");
  command->add_option("B", diff->to, "Newer version number (default: the latest)");
  command->add_flag("--json", diff->json, "Print the diff and both versions as JSON");
  return {command, [&options, diff] {
            diff->colour = isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
            return run_diff(load_config(options.config), *diff);
          }};
}

Subcommand register_changes(CLI::App& app, Options& options) {
  auto changes = options_of<ChangesOptions>();
  auto* command = app.add_subcommand(
      "changes", "List the devices whose config changed in a time window (first backups are not changes)");
  add_config_option(command, options);
  command->add_option("--since", changes->since, "A duration back from now (30m, 24h, 7d) or an ISO 8601 time")
      ->capture_default_str()
      ->type_name("WHEN");
  add_scope_options(command, changes->platform, changes->site, changes->role);
  command->add_flag("--json", changes->json, "Print the devices as JSON");
  return {command, [&options, changes] { return run_changes(load_config(options.config), *changes); }};
}

Subcommand register_search(CLI::App& app, Options& options) {
  auto search = options_of<SearchOptions>();
  auto* command = app.add_subcommand(
      "search", "Print every line of every device's latest config that a regular expression matches");
  add_config_option(command, options);
  command->add_option("regex", search->regex, "PCRE2 regular expression, matched line by line")->required();
  add_scope_options(command, search->platform, search->site, search->role);
  command->add_flag("--json", search->json, "Print the matches as JSON");
  return {command, [&options, search] { return run_search(load_config(options.config), *search); }};
}

Subcommand register_compliance(CLI::App& app, Options& options) {
  auto compliance = options_of<ComplianceOptions>();
  auto* command = app.add_subcommand(
      "compliance", "Check every device's latest config against compliance rules (exit 1 when an error rule fails)");
  add_config_option(command, options);
  command->add_option("-r,--rules", compliance->rules, "Rules file (default: compliance.rules)")->type_name("FILE");
  add_scope_options(command, compliance->platform, compliance->site, compliance->role);
  command->add_flag("--json", compliance->json, "Print the results as JSON");
  command->add_flag("-v,--verbose", compliance->verbose, "A table for every device, passing ones too");
  command->add_option("--junit", compliance->junit, "Also write JUnit XML to FILE (for CI systems)")->type_name("FILE");
  return {command, [&options, compliance] { return run_compliance(load_config(options.config), *compliance); }};
}

Subcommand register_netbox_setup(CLI::App& app, Options& options) {
  auto* command = app.add_subcommand("netbox-setup", "Create nbsync's custom fields and links in NetBox");
  add_config_option(command, options);
  return {command, [&options] {
            const Config config = load_config(options.config);
            setup_logging(config.log);
            return run_netbox_setup(config);
          }};
}

Subcommand register_status(CLI::App& app, Options& options) {
  auto status = options_of<StatusOptions>();
  auto* command = app.add_subcommand("status", "Show the last cycle, failing devices and the outbox");
  add_config_option(command, options);
  command->add_flag("--json", status->json, "Print the status as JSON");
  return {command, [&options, status] { return run_status(load_config(options.config), *status); }};
}

Subcommand register_outbox(CLI::App& app, Options& options) {
  auto* outbox = app.add_subcommand("outbox", "Manage the messages waiting for NetBox and Slack");
  outbox->require_subcommand(1);
  auto channel = options_of<std::string>();
  auto* retry =
      outbox->add_subcommand("retry", "Queue the messages NetBox or Slack refused for good again (see nbsync status)");
  add_config_option(retry, options);
  retry->add_option("--channel", *channel, "Only this channel: netbox, or slack:<webhook name>");
  return {retry, [&options, channel] { return run_outbox_retry(load_config(options.config), *channel); }};
}

Subcommand register_db(CLI::App& app, Options& options) {
  auto* db = app.add_subcommand("db", "Manage nbsync's database");
  db->require_subcommand(1);
  auto copy = options_of<DbCopyOptions>();
  auto* command = db->add_subcommand(
      "copy",
      "Copy an SQLite database (every version, run, host key and pending message) into an empty PostgreSQL one");
  add_config_option(command, options);
  command->add_option("--to", copy->to, "The PostgreSQL database: postgresql://user@host:port/database?sslmode=...")
      ->required()
      ->type_name("URI");
  command
      ->add_option("--to-password-file", copy->to_password_file,
                   "A file holding the PostgreSQL password (default: PGPASSWORD or ~/.pgpass, as libpq reads them)")
      ->type_name("FILE");
  command
      ->add_option("--from", copy->from,
                   "The SQLite file to copy (default: the config's storage.database; the config is then not read)")
      ->type_name("FILE");
  return {command, [&options, copy] {
            copy->config = options.config;
            return run_db_copy(*copy);
          }};
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"nbsync: back up network device configurations listed in NetBox, over SSH, into SQLite.", "nbsync"};
  app.set_version_flag("--version", std::string("nbsync ") + NBSYNC_VERSION);
  app.require_subcommand(1);
  Options options;
  const std::vector<Subcommand> subcommands = {
      register_run(app, options),          register_daemon(app, options), register_hostkey(app, options),
      register_history(app, options),      register_show(app, options),   register_diff(app, options),
      register_changes(app, options),      register_search(app, options), register_compliance(app, options),
      register_netbox_setup(app, options), register_status(app, options), register_outbox(app, options),
      register_web(app, options),          register_drift(app, options),  register_db(app, options)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
      return app.exit(e);  // --help, --help-all, --version
    }
    std::cerr << "nbsync: error: " << e.what() << " (see nbsync --help)\n";
    return k_exit_usage;
  }
  try {
    for (const auto& subcommand : subcommands) {
      if (subcommand.command->parsed()) {
        return subcommand.run();
      }
    }
  } catch (const UserError& e) {  // config, input, database, metrics listener, cycle
    std::cerr << "nbsync: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "nbsync: error: " << e.what() << "\n";
    return k_exit_usage;
  }
  return k_exit_usage;
}

}  // namespace nbsync::cli
