#include "notify/netbox_setup.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <sstream>
#include <utility>

#include "http/http_client.hpp"
#include "inventory/netbox_endpoint.hpp"
#include "notify/netbox_status.hpp"
#include "types/backup_now_request.hpp"

namespace nbsync::notify {
namespace {

using json = nlohmann::json;

struct FieldSpec {
  const char* name;
  const char* label;
  const char* type;
  const char* description;
};

constexpr FieldSpec k_fields[] = {
    {k_field_status, "Backup status", "text", "Outcome of nbsync's latest backup: ok, connect, auth, timeout, ..."},
    {k_field_last_backup, "Last successful backup", "datetime", "When nbsync last read the whole configuration"},
    {k_field_last_change, "Last config change", "datetime", "When nbsync last stored a changed configuration"},
    {k_field_config_hash, "Config hash", "text",
     "First 12 hex digits of the latest normalized configuration's SHA-256 (whole in the journal)"},
    {k_field_last_error, "Last backup error", "longtext", "Why the latest backup failed"},
    {k_field_compliance, "Compliance", "text", "Result of nbsync's compliance rules"},
    {k_field_drift, "Drift", "text",
     "Running config versus NetBox's rendered config template: in sync, N lines differ, no template"},
};
constexpr const char* k_link_name = "nbsync config history";
constexpr const char* k_backup_now_name = "nbsync back up now";  // the webhook's and the event rule's

class Netbox {
public:
  explicit Netbox(const NetboxSetupOptions& options)
      : m_options(options), m_http(inventory::netbox_client_options(options.netbox)) {}

  json call(const std::string& method, const std::string& path, const json& body = nullptr) {
    const auto response =
        m_http.send(inventory::netbox_request(m_options.netbox, method, path, body.is_null() ? "" : body.dump()));
    if (response.status == 0) {
      throw SetupError("cannot reach NetBox: " + response.error + " (check netbox.url)");
    }
    const json parsed = json::parse(response.body, nullptr, false);
    if (response.status == 403) {
      throw SetupError(method + " " + path + ": NetBox refused (" + inventory::netbox_reason(response.body) +
                       "); the token needs permission to view and add custom fields and custom links "
                       "(extras.add_customfield, extras.add_customlink, and with webhook.url extras.add_webhook, "
                       "extras.add_eventrule), or run netbox-setup once with an admin token");
    }
    if (!response.ok() || parsed.is_discarded()) {
      throw SetupError(method + " " + path + ": NetBox answered " + std::to_string(response.status) + ": " +
                       inventory::netbox_reason(response.body));
    }
    return parsed;
  }

private:
  const NetboxSetupOptions& m_options;
  http::HttpClient m_http;
};

// "3.7.8" -> {3, 7}; nullopt when the text is not "MAJOR.MINOR...".
std::optional<std::pair<int, int>> major_minor(const std::string& version) {
  int major = 0;
  int minor = 0;
  char dot = 0;
  std::istringstream in(version);
  if (!(in >> major >> dot >> minor) || dot != '.') {
    return std::nullopt;
  }
  return std::pair{major, minor};
}

// The key custom fields and custom links name their object types by: `content_types` up
// to 3.7, `object_types` from 4.0. Older releases lack what nbsync needs (ui_visible,
// ui_editable, the 3.7 API): refused with the version named.
std::string object_types_key(const std::string& version) {
  const auto release = major_minor(version);
  if (!release || *release < std::pair{3, 7}) {
    throw SetupError("NetBox " + (version.empty() ? std::string("(unknown version)") : version) +
                     " is older than 3.7; nbsync's custom fields need NetBox 3.7 or later");
  }
  return release->first < 4 ? "content_types" : "object_types";
}

json custom_field_body(const std::string& types_key, const char* name, const char* label, const char* type,
                       const char* description, bool editable) {
  return {{types_key, {"dcim.device"}},
          {"name", name},
          {"label", label},
          {"type", type},
          {"group_name", "nbsync"},
          {"description", description},
          {"required", false},
          {"ui_visible", editable ? "always" : "if-set"},
          {"ui_editable", editable ? "yes" : "no"},
          {"filter_logic", "exact"}};
}

// `list_path` filtered by name; nbsync's names need only their spaces encoded.
json named(Netbox& netbox, const std::string& list_path, std::string name) {
  for (std::size_t at = name.find(' '); at != std::string::npos; at = name.find(' ', at)) {
    name.replace(at, 1, "%20");
  }
  return netbox.call("GET", list_path + "?name=" + name);
}

bool exists(Netbox& netbox, const std::string& list_path, const std::string& name) {
  return named(netbox, list_path, name).value("count", 0) > 0;
}

// The trigger a NetBox user sets: the event rule fires only while it is set.
json backup_now_conditions() {
  return {{"or",
           {{{"attr", "tags.slug"}, {"value", k_backup_now_tag}, {"op", "contains"}},
            {{"attr", std::string("custom_fields.") + k_backup_now_field}, {"value", true}}}}};
}

// NetBox 3.7 names the object types `content_types` and the events type_create/type_update;
// 4.x `object_types` and event_types.
json event_rule_body(const std::string& version, std::int64_t webhook_id) {
  json rule = {{"name", k_backup_now_name},
               {"enabled", true},
               {"action_type", "webhook"},
               {"action_object_type", "extras.webhook"},
               {"action_object_id", webhook_id},
               {"conditions", backup_now_conditions()},
               {"description", "Sends nbsync's webhook when a device asks to be backed up now"}};
  if (version.starts_with("3.")) {
    rule["content_types"] = {"dcim.device"};
    rule["type_create"] = true;
    rule["type_update"] = true;
  } else {
    rule["object_types"] = {"dcim.device"};
    rule["event_types"] = {"object_created", "object_updated"};
  }
  return rule;
}

// The field, the webhook and the event rule of "back up now", each created unless present.
void set_up_backup_now(Netbox& netbox, const NetboxSetupOptions& options, SetupReport& report) {
  if (exists(netbox, "/api/extras/custom-fields/", k_backup_now_field)) {
    report.existing.push_back(k_backup_now_field);
  } else {
    netbox.call("POST", "/api/extras/custom-fields/",
                custom_field_body(object_types_key(report.netbox_version), k_backup_now_field, "Back up now", "boolean",
                                  "Set to have nbsync back this device up now; nbsync clears it when done", true));
    report.created.push_back(k_backup_now_field);
  }
  const std::string webhook_name = std::string(k_backup_now_name) + " (webhook)";
  const json webhooks = named(netbox, "/api/extras/webhooks/", k_backup_now_name);
  std::int64_t webhook_id = 0;
  if (webhooks.value("count", 0) > 0) {
    webhook_id = webhooks["results"][0].value("id", std::int64_t{0});
    report.existing.push_back(webhook_name);
  } else {
    const json created = netbox.call("POST", "/api/extras/webhooks/",
                                     {{"name", k_backup_now_name},
                                      {"payload_url", options.webhook_url},
                                      {"http_method", "POST"},
                                      {"http_content_type", "application/json"},
                                      {"secret", options.webhook_secret.reveal()},
                                      {"ssl_verification", true},
                                      {"description", "nbsync: back up a device now"}});
    webhook_id = created.value("id", std::int64_t{0});
    report.created.push_back(webhook_name);
  }
  const std::string rule_name = std::string(k_backup_now_name) + " (event rule)";
  if (exists(netbox, "/api/extras/event-rules/", k_backup_now_name)) {
    report.existing.push_back(rule_name);
    return;
  }
  netbox.call("POST", "/api/extras/event-rules/", event_rule_body(report.netbox_version, webhook_id));
  report.created.push_back(rule_name);
}

}  // namespace

SetupReport netbox_setup(const NetboxSetupOptions& options) {
  Netbox netbox(options);
  SetupReport report;
  const json status = netbox.call("GET", "/api/status/");
  report.netbox_version = status.value("netbox-version", "");
  const std::string types_key = object_types_key(report.netbox_version);
  for (const auto& field : k_fields) {
    const json found = netbox.call("GET", std::string("/api/extras/custom-fields/?name=") + field.name);
    if (found.value("count", 0) > 0) {
      report.existing.push_back(field.name);
      continue;
    }
    netbox.call("POST", "/api/extras/custom-fields/",
                custom_field_body(types_key, field.name, field.label, field.type, field.description, false));
    report.created.push_back(field.name);
  }
  if (!options.history_url.empty()) {
    const json found = netbox.call("GET", "/api/extras/custom-links/?name=nbsync%20config%20history");
    if (found.value("count", 0) > 0) {
      report.existing.push_back(k_link_name);
    } else {
      netbox.call("POST", "/api/extras/custom-links/",
                  {{"name", k_link_name},
                   {types_key, {"dcim.device"}},
                   {"link_text", "Config history"},
                   {"link_url", options.history_url},
                   {"button_class", "blue"},
                   {"new_window", true}});
      report.created.push_back(k_link_name);
    }
  }
  if (!options.webhook_url.empty()) {
    set_up_backup_now(netbox, options, report);
  }
  return report;
}

}  // namespace nbsync::notify
