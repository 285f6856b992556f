#pragma once
// Renders the lab's objects exactly as NetBox 4.2 serializes them (see
// ../shared/netbox/openapi.json): devices (full and brief), custom fields, journal
// entries, custom links, platforms. `base` is "http://host:port", taken from the request's
// Host header as NetBox does, so `url` fields are absolute and followable.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/fleet.hpp"

namespace nbsync::lab {

inline constexpr const char* k_netbox_version = "4.2.2";
inline constexpr const char* k_api_version = "4.2";

struct DeviceRenderOptions {
  bool brief = false;
  bool include_config_context = true;
  bool device_role = false;                     // NetBox 3.7: `device_role` beside `role` (both the same)
  bool choice_custom_fields = false;            // NetBox 4.7: a select custom field reads {"value", "label"}
  std::optional<std::set<std::string>> fields;  // ?fields= (4.0): only these keys
  std::set<std::string> omit;                   // ?omit= (4.5.2): all but these keys
};

// `device_fields` are the custom field definitions that apply to dcim.device.
nlohmann::json device_json(const Fleet& fleet, const LabDevice& device, const std::string& base,
                           const std::vector<nlohmann::json>& device_fields, const DeviceRenderOptions& options);
nlohmann::json brief_device_json(const LabDevice& device, const Fleet& fleet, const std::string& base);
std::string device_display(const Fleet& fleet, const LabDevice& device);

nlohmann::json custom_field_json(const nlohmann::json& definition, const std::string& base);
nlohmann::json custom_link_json(const nlohmann::json& definition, const std::string& base);
nlohmann::json journal_entry_json(const nlohmann::json& entry, const Fleet& fleet, const std::string& base);
nlohmann::json platform_json(const Fleet& fleet, int platform_index, long device_count, const std::string& base);
// A device role as /api/dcim/device-roles/ lists it (no role names a config template here).
nlohmann::json role_json(const Fleet& fleet, int role_index, long device_count, const std::string& base);
// A region with its parent (nested) and depth in the tree; a site with its region. `brief`
// is NetBox's ?brief=1 form.
nlohmann::json region_json(const Fleet& fleet, int region, long site_count, const std::string& base);
nlohmann::json site_json(const Fleet& fleet, int site, long device_count, const std::string& base, bool brief);

// {"value": v, "label": "Label"} for a NetBox choice field.
nlohmann::json choice_value(const std::string& value);
// The human label NetBox shows for a choice value: "decommissioning" -> "Decommissioning".
std::string choice_label(const std::string& value);

}  // namespace nbsync::lab
