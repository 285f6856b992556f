#include "notify/backup_now_report.hpp"

#include <nlohmann/json.hpp>

namespace nbsync::notify {

using json = nlohmann::json;

std::string backup_now_journal_text(const BackupNowRequest& request, const BackupNowOutcome& outcome) {
  const std::string who = request.username.empty() ? std::string("an unnamed NetBox user") : request.username;
  return "Back up now, asked by " + who + " (" + to_string(request.trigger) + "): " + outcome.text + ".";
}

std::vector<storage::OutboxRow> backup_now_rows(const BackupNowRequest& request, const BackupNowOutcome& outcome) {
  const bool tag = request.trigger == BackupNowTrigger::tag;
  const json clear = {{"id", request.device_id}, {"trigger", tag ? "tag" : "custom_field"}};
  const std::string key = "nbsync-backup-now-d" + std::to_string(request.device_id) + "-" + request.request_id;
  const json entry = {{"assigned_object_type", "dcim.device"},
                      {"assigned_object_id", request.device_id},
                      {"kind", outcome.ok ? "success" : "warning"},
                      {"comments", backup_now_journal_text(request, outcome) + "\n\n_nbsync ref " + key + "_"}};
  return {{"netbox", k_clear_trigger_kind, request.device_id, clear.dump(), ""},
          {"netbox", "journal", request.device_id, entry.dump(), key}};
}

std::optional<TriggerToClear> trigger_to_clear(const storage::OutboxEntry& row) {
  const json payload = json::parse(row.payload, nullptr, false);
  if (!payload.is_object() || !payload.contains("id") || !payload["id"].is_number_integer()) {
    return std::nullopt;
  }
  const std::string trigger = payload.value("trigger", "");
  if (trigger != "tag" && trigger != "custom_field") {
    return std::nullopt;
  }
  return TriggerToClear{payload["id"].get<std::int64_t>(),
                        trigger == "tag" ? BackupNowTrigger::tag : BackupNowTrigger::custom_field};
}

}  // namespace nbsync::notify
