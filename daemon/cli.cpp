#include "daemon/cli.hpp"

#include "daemon/metrics_server.hpp"
#include "daemon/service_loop.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "daemon/backup_cycle.hpp"
#include "daemon/config.hpp"
#include "daemon/history_commands.hpp"
#include "daemon/host_key_command.hpp"
#include "daemon/input_error.hpp"
#include "daemon/logging.hpp"
#include "notify/netbox_setup.hpp"
#include "storage/database.hpp"
#include "storage/outbox.hpp"

#include <unistd.h>

namespace nbsync::daemon {
namespace {

constexpr const char* k_default_config = "/etc/nbsync/nbsync.toml";

struct Options {
  std::filesystem::path config = k_default_config;
  bool once = false;
  bool json = false;
  std::string device;
};

// A subcommand that is part of the plan but not built yet says so plainly.
int run_once(const Options& options) {
  const Config config = load_config(options.config);
  setup_logging(config.log);
  const bool terminal = isatty(STDERR_FILENO) == 1;
  CycleOptions cycle;
  cycle.show_progress = terminal && !options.json;
  cycle.log_each_failure = !terminal;
  CycleSummary summary;
  run_backup_cycle(config, cycle, summary);
  if (options.json) {
    std::cout << summary.to_json().dump(2) << "\n";
  } else {
    std::cout << summary.to_text();
  }
  if (summary.local_failures() > 0) {
    return k_exit_failed;
  }
  return summary.inventory_complete() ? k_exit_ok : k_exit_inventory_incomplete;
}

int run_netbox_setup(const Config& config) {
  notify::NetboxSetupOptions setup;
  setup.netbox = netbox_endpoint(config);
  setup.history_url = config.netbox.history_url;
  try {
    const auto report = notify::netbox_setup(setup);
    for (const auto& name : report.created)
      std::cout << "created " << name << "\n";
    for (const auto& name : report.existing)
      std::cout << "exists  " << name << "\n";
    if (config.netbox.history_url.empty()) {
      std::cout << "no Config history link: set netbox.history_url to create one\n";
    }
    std::cout << "NetBox " << report.netbox_version << " is ready for nbsync\n";
    return 0;
  } catch (const notify::SetupError& e) {
    std::cerr << "nbsync: error: netbox-setup: " << e.what() << "\n";
    return k_exit_failed;
  }
}

// Sends the messages NetBox or Slack refused for good once more, after their cause is fixed.
int run_outbox_retry(const Config& config, const std::string& channel) {
  if (const std::string problem = database_path_problem(config); !problem.empty()) {
    throw InputError(problem);
  }
  storage::Outbox outbox(config.storage.database);
  const std::int64_t requeued = outbox.requeue_refused(channel);
  std::cout << requeued << " refused message(s) queued again; the next cycle (or `nbsync run --once`) sends them\n";
  return 0;
}

void add_config_option(CLI::App* command, Options& options) {
  command->add_option("-c,--config", options.config, "Configuration file")->capture_default_str()->type_name("FILE");
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"nbsync: back up network device configurations listed in NetBox, over SSH, into SQLite.", "nbsync"};
  app.set_version_flag("--version", std::string("nbsync ") + NBSYNC_VERSION);
  app.require_subcommand(1);
  Options options;

  auto* run = app.add_subcommand("run", "Run backup cycles in the foreground (one with --once)");
  add_config_option(run, options);
  run->add_flag("--once", options.once, "Run one cycle and exit");
  run->add_flag("--json", options.json, "Print the cycle summary as JSON");

  auto* daemon = app.add_subcommand("daemon", "Run as a service: cycles on a schedule until SIGTERM");
  add_config_option(daemon, options);

  auto* hostkey = app.add_subcommand("hostkey", "Manage the SSH host keys nbsync trusts");
  hostkey->require_subcommand(1);
  auto* hostkey_accept = hostkey->add_subcommand(
      "accept", "Trust the changed host key a device presented (after checking why it changed)");
  add_config_option(hostkey_accept, options);
  hostkey_accept->add_option("device", options.device, "Device name as NetBox shows it, or its NetBox id")->required();
  std::string fingerprint;
  hostkey_accept->add_option(
      "--fingerprint", fingerprint,
      "Accept only if the new key has this fingerprint (SHA256:..., as ssh-keygen -l prints it)");

  const char* device_help = "Device name as NetBox shows it, or its NetBox id";
  HistoryOptions history_options;
  auto* history = app.add_subcommand("history", "List the stored versions of a device's config");
  add_config_option(history, options);
  history->add_option("device", history_options.device, device_help)->required();
  history->add_flag("--json", history_options.json, "Print the versions as JSON");

  ShowOptions show_options;
  auto* show = app.add_subcommand("show", "Print a stored config (the latest unless --version or --at)");
  add_config_option(show, options);
  show->add_option("device", show_options.device, device_help)->required();
  auto* show_version =
      show->add_option("--version", show_options.version, "Version number (see nbsync history)")->type_name("N");
  show->add_option("--at", show_options.at,
                   "The version current at this time: ISO 8601 (UTC unless it has an offset) or YYYY-MM-DD")
      ->type_name("TIME")
      ->excludes(show_version);
  show->add_flag("--json", show_options.json, "Print the config and its version as JSON");

  DiffOptions diff_options;
  auto* diff = app.add_subcommand(
      "diff", "Show what changed between versions A and B of a device's config (default: the latest change)");
  add_config_option(diff, options);
  diff->add_option("device", diff_options.device, device_help)->required();
  diff->add_option("A", diff_options.from, "Older version number (default: the one before the latest)");
  diff->add_option("B", diff_options.to, "Newer version number (default: the latest)");
  diff->add_flag("--json", diff_options.json, "Print the diff and both versions as JSON");

  ChangesOptions changes_options;
  auto* changes = app.add_subcommand(
      "changes", "List the devices whose config changed in a time window (first backups are not changes)");
  add_config_option(changes, options);
  changes->add_option("--since", changes_options.since, "A duration back from now (30m, 24h, 7d) or an ISO 8601 time")
      ->capture_default_str()
      ->type_name("WHEN");
  changes->add_option("--platform", changes_options.platform, "Only devices of this NetBox platform (slug)");
  changes->add_option("--site", changes_options.site, "Only devices of this NetBox site (slug)");
  changes->add_option("--role", changes_options.role, "Only devices of this NetBox device role (slug)");
  changes->add_flag("--json", changes_options.json, "Print the devices as JSON");

  SearchOptions search_options;
  auto* search = app.add_subcommand(
      "search", "Print every line of every device's latest config that a regular expression matches");
  add_config_option(search, options);
  search->add_option("regex", search_options.regex, "PCRE2 regular expression, matched line by line")->required();
  search->add_option("--platform", search_options.platform, "Only devices of this NetBox platform (slug)");
  search->add_option("--site", search_options.site, "Only devices of this NetBox site (slug)");
  search->add_option("--role", search_options.role, "Only devices of this NetBox device role (slug)");
  search->add_flag("--json", search_options.json, "Print the matches as JSON");

  ComplianceOptions compliance_options;
  auto* compliance = app.add_subcommand(
      "compliance", "Check every device's latest config against compliance rules (exit 1 when an error rule fails)");
  add_config_option(compliance, options);
  compliance->add_option("-r,--rules", compliance_options.rules, "Rules file (default: compliance.rules)")
      ->type_name("FILE");
  compliance->add_option("--platform", compliance_options.platform, "Only devices of this NetBox platform (slug)");
  compliance->add_option("--site", compliance_options.site, "Only devices of this NetBox site (slug)");
  compliance->add_option("--role", compliance_options.role, "Only devices of this NetBox device role (slug)");
  compliance->add_flag("--json", compliance_options.json, "Print the results as JSON");
  compliance->add_flag("-v,--verbose", compliance_options.verbose, "A table for every device, passing ones too");
  compliance->add_option("--junit", compliance_options.junit, "Also write JUnit XML to FILE (for CI systems)")
      ->type_name("FILE");
  auto* netbox_setup = app.add_subcommand("netbox-setup", "Create nbsync's custom fields and links in NetBox");
  StatusOptions status_options;
  auto* status = app.add_subcommand("status", "Show the last cycle, failing devices and the outbox");
  add_config_option(status, options);
  status->add_flag("--json", status_options.json, "Print the status as JSON");
  add_config_option(netbox_setup, options);
  auto* outbox = app.add_subcommand("outbox", "Manage the messages waiting for NetBox and Slack");
  outbox->require_subcommand(1);
  std::string outbox_channel;
  auto* outbox_retry =
      outbox->add_subcommand("retry", "Queue the messages NetBox or Slack refused for good again (see nbsync status)");
  add_config_option(outbox_retry, options);
  outbox_retry->add_option("--channel", outbox_channel, "Only this channel: netbox, or slack:<webhook name>");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "nbsync: error: " << e.what() << " (see nbsync --help)\n";
    return k_exit_usage;
  }

  try {
    if (run->parsed() && options.once) {
      return run_once(options);
    }
    if (run->parsed() || daemon->parsed()) {
      return run_daemon(options.config);  // `run` without --once: the same loop in the foreground
    }
    if (hostkey_accept->parsed()) {
      const Config config = load_config(options.config);
      setup_logging(config.log);
      return accept_host_key(config, options.device, fingerprint);
    }
    if (netbox_setup->parsed()) {
      const Config config = load_config(options.config);
      setup_logging(config.log);
      return run_netbox_setup(config);
    }
    if (outbox_retry->parsed()) {
      return run_outbox_retry(load_config(options.config), outbox_channel);
    }
    if (status->parsed()) {
      return run_status(load_config(options.config), status_options);
    }
    if (history->parsed()) {
      return run_history(load_config(options.config), history_options);
    }
    if (show->parsed()) {
      return run_show(load_config(options.config), show_options);
    }
    if (diff->parsed()) {
      diff_options.colour = isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr;
      return run_diff(load_config(options.config), diff_options);
    }
    if (changes->parsed()) {
      return run_changes(load_config(options.config), changes_options);
    }
    if (search->parsed()) {
      return run_search(load_config(options.config), search_options);
    }
    if (compliance->parsed()) {
      return run_compliance(load_config(options.config), compliance_options);
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

}  // namespace nbsync::daemon
