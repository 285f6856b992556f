#pragma once
// The lab's NetBox config templates (NetBox 3.5+): one per platform, assigned to about a
// third of the devices that have a platform, drawn from (seed, id) so a device keeps or
// lacks its template on every start, and to the Arista EOS platform itself; and one on the
// Spine role. A device renders as NetBox picks its template (Device.get_config_template:
// the device's, else its role's, else its platform's). The device JSON carries the
// device's own as `config_template` (brief object), the role and platform JSON theirs;
// /api/extras/config-templates/ lists them; render-config renders them (from the device's
// simulated config, whichever template it is).
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "lab/fleet.hpp"

namespace nbsync::lab {

// The index of the template that renders `device` (a platform's index, or the role
// template's), or none without a template.
std::optional<int> config_template_of(const Fleet& fleet, const LabDevice& device);

// `config_template` in a device's JSON: NetBox's brief object, or null.
nlohmann::json device_config_template_json(const Fleet& fleet, const LabDevice& device, const std::string& base);
// `config_template` in a platform's JSON.
nlohmann::json platform_config_template_json(const Fleet& fleet, int platform, const std::string& base);
// `config_template` in a role's JSON.
nlohmann::json role_config_template_json(const Fleet& fleet, int role, const std::string& base);
// What NetBox answers for GET /api/extras/config-templates/ (every template, one page).
nlohmann::json config_templates_page(const Fleet& fleet, const std::string& base);
// render-config's answer: {"configtemplate": brief, "content": text}.
nlohmann::json rendered_config_json(const Fleet& fleet, int index, const std::string& content, const std::string& base);

}  // namespace nbsync::lab
