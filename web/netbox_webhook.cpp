#include "web/netbox_webhook.hpp"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace nbsync::web {
namespace {

using json = nlohmann::json;

NetboxWebhook ignored(std::string reason) {
  NetboxWebhook webhook;
  webhook.verdict = NetboxWebhook::Verdict::ignore;
  webhook.reason = std::move(reason);
  return webhook;
}

NetboxWebhook malformed(std::string reason) {
  NetboxWebhook webhook;
  webhook.reason = std::move(reason);
  return webhook;
}

bool has_tag(const json& data, std::string_view slug) {
  if (!data.contains("tags") || !data["tags"].is_array()) {
    return false;
  }
  for (const auto& tag : data["tags"]) {
    if (tag.is_object() && tag.value("slug", "") == slug) {
      return true;
    }
  }
  return false;
}

bool field_set(const json& data, const char* name) {
  if (!data.contains("custom_fields") || !data["custom_fields"].is_object()) {
    return false;
  }
  const auto& fields = data["custom_fields"];
  return fields.contains(name) && fields[name].is_boolean() && fields[name].get<bool>();
}

// The change log's view of the device before the change (NetBox's serialize_object: tags
// by name, not slug), or null when the payload has none (a create; a hand-made payload).
const json& prechange_of(const json& payload) {
  static const json none;
  if (!payload.contains("snapshots") || !payload["snapshots"].is_object()) {
    return none;
  }
  const json& snapshots = payload["snapshots"];
  return snapshots.contains("prechange") && snapshots["prechange"].is_object() ? snapshots["prechange"] : none;
}

// The backup-now tag's name as `data` shows it (snapshots name tags, data has both).
std::string trigger_tag_name(const json& data) {
  for (const auto& tag : data["tags"]) {
    if (tag.is_object() && tag.value("slug", "") == k_backup_now_tag && tag.contains("name") &&
        tag["name"].is_string()) {
      return tag["name"].get<std::string>();
    }
  }
  return k_backup_now_tag;
}

// True when the trigger was set already before this change: not a new request.
bool set_before(const json& prechange, const json& data, BackupNowTrigger trigger) {
  if (prechange.is_null()) {
    return false;
  }
  if (trigger == BackupNowTrigger::custom_field) {
    return field_set(prechange, k_backup_now_field);
  }
  if (!prechange.contains("tags") || !prechange["tags"].is_array()) {
    return false;
  }
  const std::string name = trigger_tag_name(data);
  for (const auto& tag : prechange["tags"]) {
    if ((tag.is_string() && tag.get<std::string>() == name) ||
        (tag.is_object() && tag.value("slug", "") == k_backup_now_tag)) {
      return true;
    }
  }
  return false;
}

std::string text_of(const json& body, const char* key) {
  return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : std::string();
}

}  // namespace

std::optional<std::chrono::system_clock::time_point> parse_netbox_timestamp(std::string_view text) {
  const std::string copy(text);
  std::tm tm{};
  int consumed = 0;
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2d%*1[ T]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  std::string_view rest = std::string_view(copy).substr(static_cast<std::size_t>(consumed));
  std::chrono::microseconds fraction{0};
  if (rest.starts_with('.')) {
    rest.remove_prefix(1);
    long long micros = 0;
    int digits = 0;
    while (!rest.empty() && rest.front() >= '0' && rest.front() <= '9') {
      if (digits < 6) {
        micros = micros * 10 + (rest.front() - '0');
        ++digits;
      }
      rest.remove_prefix(1);
    }
    for (; digits < 6; ++digits) {
      micros *= 10;
    }
    fraction = std::chrono::microseconds(micros);
  }
  int offset_minutes = 0;
  if (rest == "Z") {
    rest = {};
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int hours = 0;
    int minutes = 0;
    if (std::sscanf(std::string(rest.substr(1)).c_str(), "%2d:%2d", &hours, &minutes) != 2) {
      return std::nullopt;
    }
    offset_minutes = (rest[0] == '-' ? -1 : 1) * (hours * 60 + minutes);
    rest = {};
  }
  if (!rest.empty()) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t seconds = timegm(&tm);
  return std::chrono::system_clock::from_time_t(seconds) - std::chrono::minutes(offset_minutes) + fraction;
}

NetboxWebhook read_netbox_webhook(std::string_view body) {
  const json payload = json::parse(body, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return malformed("the body is not a JSON object (expected NetBox's webhook payload; is body_template empty?)");
  }
  const std::string model = text_of(payload, "model");
  if (model != "device" && model != "dcim.device") {
    return ignored("model \"" + model + "\" is not a device");
  }
  const std::string event = text_of(payload, "event");
  if (event != "updated" && event != "created") {
    return ignored("event \"" + event + "\" is not a create or an update");
  }
  if (!payload.contains("data") || !payload["data"].is_object() || !payload["data"].contains("id") ||
      !payload["data"]["id"].is_number_integer()) {
    return malformed("data.id is missing or not a number");
  }
  const json& data = payload["data"];
  NetboxWebhook webhook;
  webhook.timestamp = parse_netbox_timestamp(text_of(payload, "timestamp"));
  if (!webhook.timestamp) {
    return malformed("timestamp is missing or not a date and time");
  }
  webhook.request.device_id = data["id"].get<std::int64_t>();
  webhook.request.device_name = text_of(data, "name");
  webhook.request.username = text_of(payload, "username");
  webhook.request.request_id = text_of(payload, "request_id");
  if (webhook.request.request_id.empty()) {
    return malformed("request_id is missing");
  }
  if (has_tag(data, k_backup_now_tag)) {
    webhook.request.trigger = BackupNowTrigger::tag;
  } else if (field_set(data, k_backup_now_field)) {
    webhook.request.trigger = BackupNowTrigger::custom_field;
  } else {
    webhook.verdict = NetboxWebhook::Verdict::ignore;
    webhook.reason = "no backup asked for (neither the backup-now tag nor nbsync_backup_now is set)";
    return webhook;
  }
  if (set_before(prechange_of(payload), data, webhook.request.trigger)) {
    webhook.verdict = NetboxWebhook::Verdict::ignore;
    webhook.reason = std::string("the ") + to_string(webhook.request.trigger) +
                     " was set before this change: a later write to a device already asked for, not a new request";
    return webhook;
  }
  webhook.verdict = NetboxWebhook::Verdict::backup;
  return webhook;
}

}  // namespace nbsync::web
