#include "notify/drift_report.hpp"

#include <nlohmann/json.hpp>

#include "notify/netbox_status.hpp"

namespace nbsync::notify {
namespace {

using nlohmann::json;

bool differs(const std::string& field_value) {
  return field_value.ends_with(" differ") || field_value.ends_with(" differs");
}

storage::OutboxRow journal(std::int64_t device_id, std::int64_t run_id, const std::string& kind, std::string text) {
  const std::string key = "nbsync-r" + std::to_string(run_id) + "-d" + std::to_string(device_id) + "-drift";
  text += "\n\n_nbsync ref " + key + "_";
  const json payload = {
      {"assigned_object_type", "dcim.device"}, {"assigned_object_id", device_id}, {"kind", kind}, {"comments", text}};
  return {"netbox", "journal", device_id, payload.dump(), key};
}

}  // namespace

std::string drift_field_value(const storage::DriftVerdict& verdict) {
  if (verdict.status == "in_sync") {
    return "in sync";
  }
  if (verdict.status == "no_template") {
    return "no template";
  }
  const std::int64_t lines = verdict.missing + verdict.extra;
  return std::to_string(lines) + (lines == 1 ? " line differs" : " lines differ");
}

std::vector<storage::OutboxRow> drift_rows(std::int64_t device_id, std::int64_t run_id, const std::string& before,
                                           const storage::DriftVerdict& after) {
  std::vector<storage::OutboxRow> rows;
  const std::string value = drift_field_value(after);
  if (value == before) {
    return rows;
  }
  const json fields = {{"id", device_id}, {"custom_fields", {{k_field_drift, value}}}};
  rows.push_back({"netbox", "device_fields", device_id, fields.dump(), ""});
  if (before.empty()) {
    return rows;  // a device's first verdict is its state, not news (like a first backup)
  }
  if (after.status == "differs" && !differs(before)) {
    rows.push_back(journal(device_id, run_id, "warning",
                           "Config drifted from NetBox's intended config: " + std::to_string(after.missing) +
                               " line(s) missing, " + std::to_string(after.extra) +
                               " extra (`nbsync drift` shows them)."));
  } else if (after.status == "in_sync" && differs(before)) {
    rows.push_back(journal(device_id, run_id, "success", "Config back in sync with NetBox's intended config."));
  }
  return rows;
}

}  // namespace nbsync::notify
