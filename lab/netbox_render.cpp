// NetBox's render-config for devices (NetBox 3.5+, extras/api/mixins.py RenderConfigMixin):
// a device the token cannot see is 404 like any other; one without a config template is
// 400 {"error": "No config template found for this device."}; otherwise 200 with the
// template (brief) and the rendered text. A token without the permission never gets here:
// the pre-routing check answers 403 (netbox_tokens.cpp).
#include "lab/config_templates.hpp"
#include "lab/netbox_api.hpp"

namespace nbsync::lab {
namespace {

std::optional<bool> drift_choice(const std::map<std::int64_t, bool>& choices, std::int64_t id) {
  const auto found = choices.find(id);
  return found == choices.end() ? std::nullopt : std::optional<bool>(found->second);
}

}  // namespace

NetboxApi::Reply NetboxApi::render_config(const LabDevice* device, const std::string& base) {
  if (device == nullptr) {
    return {404, {{"detail", "No Device matches the given query."}}};
  }
  const auto template_index = config_template_of(m_fleet, *device);
  if (!template_index) {
    return {400, {{"error", "No config template found for this device."}}};
  }
  const json intended =
      intended_config ? intended_config(*device, drift_choice(m_drift_choices, device->id)) : json::object();
  return {200, rendered_config_json(m_fleet, *template_index, intended.value("content", ""), base)};
}

NetboxApi::Reply NetboxApi::lab_device_drift(std::int64_t id) {
  const LabDevice* device = m_fleet.find(id);
  if (device == nullptr) {
    return {404, {{"detail", "no device " + std::to_string(id)}}};
  }
  if (!config_template_of(m_fleet, *device) || !intended_config) {
    return {200, {{"template", false}}};
  }
  json intended = intended_config(*device, drift_choice(m_drift_choices, id));
  return {200, {{"template", true}, {"missing", intended["missing"]}, {"extra", intended["extra"]}}};
}

NetboxApi::Reply NetboxApi::lab_set_device_drift(std::int64_t id, const json& body) {
  if (m_fleet.find(id) == nullptr) {
    return {404, {{"detail", "no device " + std::to_string(id)}}};
  }
  if (!body.is_object() || !body.contains("drifts") || !body["drifts"].is_boolean()) {
    return {400, {{"detail", "send {\"drifts\": true} or {\"drifts\": false}"}}};
  }
  m_drift_choices[id] = body["drifts"].get<bool>();
  return lab_device_drift(id);
}

}  // namespace nbsync::lab
