// `nbsync status [--json]`: the last cycle, the devices failing now with their outcome and
// since when, devices out of compliance, what waits in the outbox, and the collectors
// sharing the database (each one's zone, whether it is alive, its last run).
#include <nlohmann/json.hpp>

#include <iostream>

#include "commands/history_input.hpp"
#include "commands/status_command.hpp"
#include "commands/text_table.hpp"
#include "commands/time_argument.hpp"
#include "storage/answer_json.hpp"
#include "storage/service_status.hpp"
#include "types/user_error.hpp"

namespace nbsync::commands {
namespace {

constexpr std::size_t k_failing_shown = 50;
constexpr std::size_t k_failing_in_json = 100000;
constexpr std::size_t k_message_width = 70;

std::string age(std::int64_t seconds) {
  if (seconds < 120) {
    return std::to_string(seconds) + "s";
  }
  if (seconds < 7200) {
    return std::to_string(seconds / 60) + "m";
  }
  if (seconds < 172800) {
    return std::to_string(seconds / 3600) + "h";
  }
  return std::to_string(seconds / 86400) + "d";
}

nlohmann::json run_json(const std::optional<storage::RunStatus>& run) {
  if (!run) {
    return nullptr;
  }
  nlohmann::json out{{"id", run->id},
                     {"started_at", format_utc(run->started_at)},
                     {"started_at_unix", run->started_at},
                     {"attempts", run->attempts},
                     {"changed", run->changed},
                     {"retired", run->retired},
                     {"outcomes", nlohmann::json::parse(run->summary_json, nullptr, false)},
                     {"note", run->note}};
  out["finished_at"] = run->finished_at ? nlohmann::json(format_utc(*run->finished_at)) : nlohmann::json(nullptr);
  out["duration_seconds"] =
      run->finished_at ? nlohmann::json(*run->finished_at - run->started_at) : nlohmann::json(nullptr);
  out["inventory_complete"] =
      run->inventory_complete ? nlohmann::json(*run->inventory_complete) : nlohmann::json(nullptr);
  return out;
}

std::string outcomes_text(const std::string& summary_json) {
  const auto outcomes = nlohmann::json::parse(summary_json, nullptr, false);
  std::string text;
  if (outcomes.is_object()) {
    for (const auto& [outcome, count] : outcomes.items()) {
      text.append(text.empty() ? "" : ", ").append(outcome).append(" ").append(count.dump());
    }
  }
  return text.empty() ? "no attempts" : text;
}

void print_run(const storage::RunStatus& run, std::int64_t now) {
  std::cout << "last cycle: run " << run.id << ", started " << format_utc(run.started_at) << " ("
            << age(now - run.started_at) << " ago)";
  if (run.finished_at) {
    std::cout << ", took " << age(*run.finished_at - run.started_at) << "\n  " << run.attempts << " devices tried, "
              << run.changed << " changed, " << run.retired << " retired; " << outcomes_text(run.summary_json) << "\n";
    if (run.note.starts_with("back up now:")) {
      std::cout << "  " << run.note << " (not a whole cycle)\n";  // daemon/backup_now_run.hpp
    } else if (run.inventory_complete && !*run.inventory_complete) {
      std::cout << "  NetBox inventory was incomplete: " << run.note << "\n";
    }
  } else {
    std::cout << ", not finished (running now, or the process stopped)\n";
  }
}

nlohmann::json collectors_json(const std::vector<storage::CollectorStatus>& collectors) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : collectors) {
    out.push_back(
        {{"name", c.name},
         {"zone", c.zone},
         {"zone_filters", c.zone_filters},
         {"host", c.host},
         {"alive", c.alive},
         {"heartbeat_at", format_utc(c.heartbeat_at)},
         {"lease_seconds", c.lease_seconds},
         {"last_run", c.last_run ? nlohmann::json(*c.last_run) : nlohmann::json(nullptr)},
         {"last_run_started_at",
          c.last_run_started_at ? nlohmann::json(format_utc(*c.last_run_started_at)) : nlohmann::json(nullptr)},
         {"last_run_finished_at",
          c.last_run_finished_at ? nlohmann::json(format_utc(*c.last_run_finished_at)) : nlohmann::json(nullptr)},
         {"last_run_devices", c.last_run_attempts},
         {"last_zone_cycle", c.last_zone_cycle ? nlohmann::json(*c.last_zone_cycle) : nlohmann::json(nullptr)}});
  }
  return out;
}

nlohmann::json status_json(const Config& config, const storage::ServiceStatus& status, std::int64_t now) {
  nlohmann::json failing = nlohmann::json::array();
  for (const auto& device : status.failing) {
    failing.push_back(storage::failing_device_json(device));
  }
  nlohmann::json outbox = nlohmann::json::array();
  for (const auto& channel : status.outbox) {
    outbox.push_back({{"channel", channel.channel},
                      {"rows", channel.rows},
                      {"oldest_age_seconds", channel.rows > 0 ? now - channel.oldest_created_at : 0},
                      {"refused", channel.refused},
                      {"refused_reason", channel.refused_reason}});
  }
  return {{"database", config.storage.database.string()},
          {"last_run", run_json(status.last_run)},
          {"last_finished_run", run_json(status.last_finished_run)},
          {"devices", status.devices_known},
          {"devices_failing", status.devices_failing},
          {"devices_noncompliant", status.devices_noncompliant},
          {"failing", failing},
          {"outbox", outbox},
          {"collectors", collectors_json(status.collectors)}};
}

void print_runs(const storage::ServiceStatus& status, std::int64_t now) {
  if (!status.last_run) {
    std::cout << "no cycle has run yet\n";
    return;
  }
  print_run(*status.last_run, now);
  if (status.last_finished_run && status.last_finished_run->id != status.last_run->id) {
    std::cout << "previous ";
    print_run(*status.last_finished_run, now);
  }
}

void print_outbox(const std::vector<storage::OutboxChannelStatus>& outbox, std::int64_t now) {
  std::cout << "outbox: ";
  if (outbox.empty()) {
    std::cout << "empty (NetBox and Slack are up to date)\n";
    return;
  }
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    const auto& channel = outbox[i];
    std::cout << (i == 0 ? "" : "; ") << channel.channel << " " << channel.rows << " waiting";
    if (channel.rows > 0) {
      std::cout << ", oldest " << age(now - channel.oldest_created_at) << " old";
    }
    if (channel.refused > 0) {
      std::cout << ", " << channel.refused << " refused for good";
    }
  }
  std::cout << "\n";
  for (const auto& channel : outbox) {
    if (channel.refused > 0) {
      std::cout << "refused by " << channel.channel << ": " << channel.refused_reason
                << " (fix the cause, then `nbsync outbox retry` sends them again)\n";
    }
  }
}

// One row per collector sharing the database: its zone, whether it is alive (its heartbeat
// within its lease), its last run.
void print_collectors(const std::vector<storage::CollectorStatus>& collectors, std::int64_t now) {
  if (collectors.empty()) {
    return;
  }
  using Align = TextTable::Align;
  TextTable table({{"COLLECTOR", Align::left},
                   {"ZONE", Align::left},
                   {"ALIVE", Align::left},
                   {"HOST", Align::left},
                   {"LAST RUN", Align::right},
                   {"ZONE CYCLE", Align::right},
                   {"STARTED (UTC)", Align::left},
                   {"FINISHED (UTC)", Align::left},
                   {"DEVICES", Align::right}});
  for (const auto& c : collectors) {
    const std::string alive = c.alive ? "yes" : "no, silent " + age(now - c.heartbeat_at);
    table.add_row({c.name, c.zone, alive, c.host, c.last_run ? std::to_string(*c.last_run) : "",
                   c.last_zone_cycle ? std::to_string(*c.last_zone_cycle) : "",
                   c.last_run_started_at ? format_utc(*c.last_run_started_at) : "",
                   c.last_run_finished_at ? format_utc(*c.last_run_finished_at) : "",
                   c.last_run_finished_at ? std::to_string(c.last_run_attempts) : ""});
  }
  std::cout << "\n" << table.render();
}

void print_failing(const storage::ServiceStatus& status) {
  if (status.failing.empty()) {
    return;
  }
  using Align = TextTable::Align;
  TextTable table({{"FAILING DEVICE", Align::left},
                   {"SITE", Align::left},
                   {"OUTCOME", Align::left},
                   {"SINCE (UTC)", Align::left},
                   {"MESSAGE", Align::left}});
  for (const auto& device : status.failing) {
    std::string message = device.message;
    if (message.size() > k_message_width) {
      message = message.substr(0, k_message_width - 3) + "...";
    }
    table.add_row({device.name, device.site, device.outcome,
                   device.failing_since ? format_utc(*device.failing_since) : "", message});
  }
  std::cout << "\n" << table.render();
  if (status.devices_failing > static_cast<std::int64_t>(status.failing.size())) {
    std::cout << "and " << status.devices_failing - static_cast<std::int64_t>(status.failing.size())
              << " more (nbsync status --json lists all)\n";
  }
}

}  // namespace

int run_status(const Config& config, const StatusOptions& options) {
  const auto database = open_existing_database(config);
  const storage::ServiceStatus status =
      storage::read_service_status(*database, options.json ? k_failing_in_json : k_failing_shown);
  const std::int64_t now = unix_now();
  if (options.json) {
    std::cout << status_json(config, status, now).dump(2) << "\n";
    return k_exit_ok;
  }
  std::cout << "database: " << config.storage.database.string() << "\n";
  print_runs(status, now);
  std::cout << "devices: " << status.devices_known << " in NetBox, " << status.devices_failing << " failing, "
            << status.devices_noncompliant << " out of compliance\n";
  print_outbox(status.outbox, now);
  print_collectors(status.collectors, now);
  print_failing(status);
  return k_exit_ok;
}

}  // namespace nbsync::commands
