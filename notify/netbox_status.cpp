#include "notify/netbox_status.hpp"

#include <nlohmann/json.hpp>

#include <ctime>
#include <sstream>

namespace nbsync::notify {
namespace {

using json = nlohmann::json;

json iso_time(const std::optional<std::int64_t>& seconds) {
  if (!seconds)
    return nullptr;
  const std::time_t t = static_cast<std::time_t>(*seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buffer;
}

bool is_failure(const std::string& status) {
  return status != "ok" && status != "skipped";
}

// The first `lines` lines of a diff excerpt.
std::string first_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < lines; ++i) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos)
      return text;
    ++pos;
  }
  return pos >= text.size() ? text : text.substr(0, pos) + "...\n";
}

storage::OutboxRow journal(const storage::StateChange& change, const std::string& kind, const std::string& what,
                           std::string text) {
  const std::string key =
      "nbsync-r" + std::to_string(change.run_id) + "-d" + std::to_string(change.device_id) + "-" + what;
  text += "\n\n_nbsync ref " + key + "_";
  const json payload = {{"assigned_object_type", "dcim.device"},
                        {"assigned_object_id", change.device_id},
                        {"kind", kind},
                        {"comments", text}};
  return {"netbox", "journal", change.device_id, payload.dump(), key};
}

}  // namespace

storage::DeviceNotification netbox_status_rows(const storage::StateChange& change, const NetboxStatusOptions& options) {
  storage::DeviceNotification out;
  const auto& after = change.after;
  const storage::DeviceState before = change.before.value_or(storage::DeviceState{});

  // Custom fields: what a user notices (status, hash, error, last change, compliance); the time of the
  // last successful backup only once per refresh period, or along with another change.
  json noticed = {{k_field_status, after.status},
                  {k_field_config_hash, after.config_sha256.empty() ? json(nullptr) : json(after.config_sha256)},
                  {k_field_last_error, after.message.empty() ? json(nullptr) : json(after.message.substr(0, 500))},
                  {k_field_last_change, iso_time(after.last_change_at)}};
  const json previous = json::parse(before.notified.empty() ? "null" : before.notified, nullptr, false);
  // Compliance only once rules are in use (or were): no rewrite of every device otherwise.
  if (!after.compliance.empty() || (previous.is_object() && previous.contains(k_field_compliance))) {
    noticed[k_field_compliance] = after.compliance.empty() ? json(nullptr) : json(after.compliance);
  }
  const bool noticed_changed = !previous.is_object() || previous != noticed;
  const bool refresh_due =
      after.last_success_at && after.last_success_at != before.last_success_at &&
      (!before.notified_at || change.at - *before.notified_at >= options.last_backup_refresh.count());
  if (noticed_changed || refresh_due) {
    json fields = noticed;
    fields[k_field_last_backup] = iso_time(after.last_success_at);
    const json row = {{"id", change.device_id}, {"custom_fields", fields}};
    out.rows.push_back({"netbox", "device_fields", change.device_id, row.dump(), ""});
    out.notified = noticed.dump();
  }

  // Journal entries.
  if (change.config_changed && !before.config_sha256.empty()) {
    std::ostringstream text;
    text << "Configuration changed: +" << change.lines_added << "/-" << change.lines_removed << " lines.";
    if (options.include_diff && !change.diff_excerpt.empty()) {
      text << "\n\n```diff\n" << first_lines(change.diff_excerpt, options.diff_lines) << "```";
    }
    out.rows.push_back(journal(change, "info", "changed", text.str()));
  }
  const bool was_failing = change.before && is_failure(before.status);
  if (is_failure(after.status) && !was_failing) {
    const bool needs_person = after.status == "auth" || after.status == "host_key_mismatch";
    out.rows.push_back(journal(change, needs_person ? "danger" : "warning", "failing",
                               "Backup failing: **" + after.status + "**: " + after.message.substr(0, 500)));
  } else if (after.status == "ok" && was_failing) {
    out.rows.push_back(
        journal(change, "success", "recovered", "Backup recovered (it was failing with " + before.status + ")."));
  }
  return out;
}

}  // namespace nbsync::notify
