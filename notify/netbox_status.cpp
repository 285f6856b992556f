#include "notify/netbox_status.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <sstream>

namespace nbsync::notify {
namespace {

using json = nlohmann::json;

json iso_time(const std::optional<std::int64_t>& seconds) {
  if (!seconds) {
    return nullptr;
  }
  const std::time_t t = static_cast<std::time_t>(*seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buffer;
}

// Seconds since the epoch of an ISO 8601 time as NetBox writes it back
// ("2026-12-04T18:00:00Z", "+00:00", with or without fractions); nullopt otherwise.
std::optional<std::int64_t> parse_time(const std::string& text) {
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    return std::nullopt;
  }
  if (*rest == '.') {
    ++rest;
    while (*rest >= '0' && *rest <= '9') {
      ++rest;
    }
  }
  std::int64_t offset = 0;
  if (*rest == '+' || *rest == '-') {
    int hours = 0, minutes = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hours, &minutes) != 2) {
      return std::nullopt;
    }
    offset = (*rest == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
  } else if (*rest != 'Z' && *rest != '\0') {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

bool same_value(const json& wanted, const json& shown) {
  if (wanted == shown) {
    return true;
  }
  if (!wanted.is_string() || !shown.is_string()) {
    return false;
  }
  const auto a = parse_time(wanted.get<std::string>());
  const auto b = parse_time(shown.get<std::string>());
  return a && b && *a == *b;
}

// Whether NetBox shows each of `wanted`'s fields that it has as it is (a field NetBox does
// not have cannot be converged: netbox-setup creates it).
bool shows_all(const json& shown, const json& wanted) {
  for (const auto& [name, value] : wanted.items()) {
    if (shown.contains(name) && !same_value(value, shown[name])) {
      return false;
    }
  }
  return true;
}

// Whether NetBox's "last backup" is further from ours than the refresh period allows.
bool last_backup_stale(const json& shown, const std::optional<std::int64_t>& last_success,
                       std::chrono::seconds refresh) {
  if (!last_success || !shown.contains(k_field_last_backup)) {
    return false;
  }
  const json& value = shown[k_field_last_backup];
  const auto at = value.is_string() ? parse_time(value.get<std::string>()) : std::nullopt;
  return !at || std::llabs(*last_success - *at) >= refresh.count();
}

// The first `lines` lines of a diff excerpt.
std::string first_lines(const std::string& text, std::size_t lines) {
  std::size_t pos = 0;
  for (std::size_t i = 0; i < lines; ++i) {
    pos = text.find('\n', pos);
    if (pos == std::string::npos) {
      return text;
    }
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

std::string shown_config_hash(const std::string& sha256) {
  return sha256.substr(0, k_config_hash_shown);
}

storage::DeviceNotification netbox_status_rows(const storage::StateChange& change, const NetboxStatusOptions& options) {
  storage::DeviceNotification out;
  const auto& after = change.after;
  const storage::DeviceState before = change.before.value_or(storage::DeviceState{});

  // Custom fields: what a user notices (status, hash, error, last change, compliance); the time of the
  // last successful backup only once per refresh period, or along with another change.
  json noticed = {
      {k_field_status, std::string(to_string(after.status))},
      {k_field_config_hash, after.config_sha256.empty() ? json(nullptr) : json(shown_config_hash(after.config_sha256))},
      {k_field_last_error, after.message.empty() ? json(nullptr) : json(after.message.substr(0, 500))},
      {k_field_last_change, iso_time(after.last_change_at)}};
  const json previous = json::parse(before.notified.empty() ? "null" : before.notified, nullptr, false);
  // Compliance only once rules are in use (or were): no rewrite of every device otherwise.
  if (!after.compliance.empty() || (previous.is_object() && previous.contains(k_field_compliance))) {
    noticed[k_field_compliance] = after.compliance.empty() ? json(nullptr) : json(after.compliance);
  }
  if (!after.drift.empty()) {
    noticed[k_field_drift] = after.drift;
  }
  bool write = false;
  const json shown = json::parse(change.shown.value_or("null"), nullptr, false);
  if (shown.is_object()) {
    // NetBox's fields are state: whatever they show that differs from the database is
    // written again, whoever changed them and whatever happened to an earlier write.
    write = !shows_all(shown, noticed) || last_backup_stale(shown, after.last_success_at, options.last_backup_refresh);
  } else {
    const bool noticed_changed = !previous.is_object() || previous != noticed;
    const bool refresh_due =
        after.last_success_at && after.last_success_at != before.last_success_at &&
        (!before.notified_at || change.at - *before.notified_at >= options.last_backup_refresh.count());
    write = noticed_changed || refresh_due;
  }
  if (write) {
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
    if (!after.config_sha256.empty()) {
      text << " SHA-256 `" << after.config_sha256 << "`.";
    }
    if (options.include_diff && !change.diff_excerpt.empty()) {
      text << "\n\n```diff\n" << first_lines(change.diff_excerpt, options.diff_lines) << "```";
    }
    out.rows.push_back(journal(change, "info", "changed", text.str()));
  }
  const bool was_failing = change.before && is_failure(before.status);
  if (is_failure(after.status) && !was_failing) {
    const bool needs_person = after.status == OutcomeKind::auth || after.status == OutcomeKind::host_key_mismatch;
    out.rows.push_back(
        journal(change, needs_person ? "danger" : "warning", "failing",
                "Backup failing: **" + std::string(to_string(after.status)) + "**: " + after.message.substr(0, 500)));
  } else if (after.status == OutcomeKind::ok && was_failing) {
    out.rows.push_back(
        journal(change, "success", "recovered",
                "Backup recovered (it was failing with " + std::string(to_string(before.status)) + ")."));
  }
  return out;
}

}  // namespace nbsync::notify
