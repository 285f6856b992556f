#include "notify/netbox_setup.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <sstream>
#include <utility>

#include "http/http_client.hpp"
#include "inventory/netbox_endpoint.hpp"
#include "notify/netbox_status.hpp"

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
    {k_field_config_hash, "Config hash", "text", "SHA-256 of the latest normalized configuration"},
    {k_field_last_error, "Last backup error", "longtext", "Why the latest backup failed"},
    {k_field_compliance, "Compliance", "text", "Result of nbsync's compliance rules"},
};
constexpr const char* k_link_name = "nbsync config history";

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
                       "(extras.add_customfield, extras.add_customlink), or run netbox-setup once with an admin token");
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
                {{types_key, {"dcim.device"}},
                 {"name", field.name},
                 {"label", field.label},
                 {"type", field.type},
                 {"group_name", "nbsync"},
                 {"description", field.description},
                 {"required", false},
                 {"ui_visible", "if-set"},
                 {"ui_editable", "no"},
                 {"filter_logic", "exact"}});
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
  return report;
}

}  // namespace nbsync::notify
