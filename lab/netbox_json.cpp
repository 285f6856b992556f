#include "lab/netbox_json.hpp"

#include <map>

#include "lab/config_context.hpp"
#include "lab/config_templates.hpp"

namespace nbsync::lab {
namespace {

using nlohmann::json;

std::string id_url(const std::string& base, const std::string& endpoint, std::int64_t id) {
  return base + "/api/" + endpoint + std::to_string(id) + "/";
}

std::string display_url(const std::string& base, const std::string& endpoint, std::int64_t id) {
  return base + "/" + endpoint + std::to_string(id) + "/";
}

json brief_choice(const Choice& c, const std::string& base, const std::string& endpoint) {
  return {{"id", c.id},        {"url", id_url(base, endpoint, c.id)},
          {"display", c.name}, {"name", c.name},
          {"slug", c.slug},    {"description", ""}};
}

constexpr const char* k_tag_colors[] = {"f44336", "2196f3", "ff9800", "4caf50", "9e9e9e", "9c27b0"};

}  // namespace

std::string choice_label(const std::string& value) {
  static const std::map<std::string, std::string> k_labels = {{"front-to-rear", "Front to rear"},
                                                              {"if-set", "If set"},
                                                              {"longtext", "Text (long)"},
                                                              {"datetime", "Date & time"},
                                                              {"url", "URL"},
                                                              {"json", "JSON"},
                                                              {"multiselect", "Multiple selection"},
                                                              {"select", "Selection"},
                                                              {"multiobject", "Multiple objects"},
                                                              {"object", "Object"},
                                                              {"integer", "Integer"},
                                                              {"decimal", "Decimal"},
                                                              {"boolean", "Boolean (true/false)"},
                                                              {"date", "Date"},
                                                              {"text", "Text"},
                                                              {"yes", "Yes"},
                                                              {"no", "No"}};
  if (auto it = k_labels.find(value); it != k_labels.end()) {
    return it->second;
  }
  std::string label = value;
  if (!label.empty()) {
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  }
  return label;
}

json choice_value(const std::string& value) {
  return {{"value", value}, {"label", choice_label(value)}};
}

std::string device_display(const Fleet& fleet, const LabDevice& device) {
  if (device.name) {
    return *device.name;
  }
  const auto type = static_cast<std::size_t>(device.device_type);
  return fleet.manufacturers()[type].name + " " + fleet.device_types()[type].name + " (" + std::to_string(device.id) +
         ")";
}

namespace {

// A select custom field's value as 4.7 shows it: the value and the label its choice set
// gives it (extra_choices [[value, label], ...] in the lab's definition; else the value).
json selected_choice(const json& field, const json& value) {
  json label = value;
  const json choices = field.contains("choice_set") && field["choice_set"].is_object()
                           ? field["choice_set"].value("extra_choices", json::array())
                           : json::array();
  for (const auto& choice : choices) {
    if (choice.is_array() && choice.size() == 2 && choice[0] == value) {
      label = choice[1];
    }
  }
  return {{"value", value}, {"label", label}};
}

// The device with only the keys ?fields= names and without those ?omit= names.
json trimmed(json device, const DeviceRenderOptions& options) {
  if (!options.fields && options.omit.empty()) {
    return device;
  }
  json out = json::object();
  for (auto& [key, value] : device.items()) {
    if ((!options.fields || options.fields->count(key) > 0) && options.omit.count(key) == 0) {
      out[key] = std::move(value);
    }
  }
  return out;
}

}  // namespace

json brief_device_json(const LabDevice& device, const Fleet& fleet, const std::string& base) {
  return {{"id", device.id},
          {"url", id_url(base, "dcim/devices/", device.id)},
          {"display", device_display(fleet, device)},
          {"name", device.name ? json(*device.name) : json(nullptr)},
          {"description", device.description}};
}

json device_json(const Fleet& fleet, const LabDevice& d, const std::string& base,
                 const std::vector<json>& device_fields, const DeviceRenderOptions& options) {
  if (options.brief) {
    return brief_device_json(d, fleet, base);
  }
  const auto type = static_cast<std::size_t>(d.device_type);
  const Choice& model = fleet.device_types()[type];
  const Choice& maker = fleet.manufacturers()[type];
  json device_type = {{"id", model.id},        {"url", id_url(base, "dcim/device-types/", model.id)},
                      {"display", model.name}, {"manufacturer", brief_choice(maker, base, "dcim/manufacturers/")},
                      {"model", model.name},   {"slug", model.slug},
                      {"description", ""}};
  json ip = nullptr;
  if (d.ipv4 != 0) {
    const std::string address = format_ipv4(d.ipv4) + "/32";
    ip = {{"id", d.ip_id},      {"url", id_url(base, "ipam/ip-addresses/", d.ip_id)},
          {"display", address}, {"family", {{"value", 4}, {"label", "IPv4"}}},
          {"address", address}, {"description", ""}};
  }
  json tags = json::array();
  for (int t : d.tags) {
    const Choice& tag = fleet.tags()[static_cast<std::size_t>(t)];
    tags.push_back({{"id", tag.id},
                    {"url", id_url(base, "extras/tags/", tag.id)},
                    {"display_url", display_url(base, "extras/tags/", tag.id)},
                    {"display", tag.name},
                    {"name", tag.name},
                    {"slug", tag.slug},
                    {"color", k_tag_colors[static_cast<std::size_t>(t) % std::size(k_tag_colors)]}});
  }
  json custom_fields = json::object();
  for (const auto& field : device_fields) {
    const std::string name = field["name"];
    custom_fields[name] = d.custom_fields.contains(name) ? d.custom_fields[name] : json(nullptr);
    if (options.choice_custom_fields && field.value("type", "") == "select" && custom_fields[name].is_string()) {
      custom_fields[name] = selected_choice(field, custom_fields[name]);
    }
  }
  json out = {
      {"id", d.id},
      {"url", id_url(base, "dcim/devices/", d.id)},
      {"display_url", display_url(base, "dcim/devices/", d.id)},
      {"display", device_display(fleet, d)},
      {"name", d.name ? json(*d.name) : json(nullptr)},
      {"device_type", device_type},
      {"role", brief_choice(fleet.roles()[static_cast<std::size_t>(d.role)], base, "dcim/device-roles/")},
      {"tenant", d.tenant ? brief_choice(fleet.tenants()[static_cast<std::size_t>(*d.tenant)], base, "tenancy/tenants/")
                          : json(nullptr)},
      {"platform", d.platform
                       ? brief_choice(fleet.platforms()[static_cast<std::size_t>(*d.platform)], base, "dcim/platforms/")
                       : json(nullptr)},
      {"serial", d.serial},
      {"asset_tag", nullptr},
      {"site", brief_choice(fleet.sites()[static_cast<std::size_t>(d.site)], base, "dcim/sites/")},
      {"location", nullptr},
      {"rack", nullptr},
      {"position", nullptr},
      {"face", nullptr},  // NetBox serializes an empty face as null although its schema says object
      {"latitude", nullptr},
      {"longitude", nullptr},
      {"parent_device", nullptr},
      {"status", choice_value(d.status)},
      {"airflow", nullptr},  // same as face
      {"primary_ip", ip},
      {"primary_ip4", ip},
      {"primary_ip6", nullptr},
      {"oob_ip", nullptr},
      {"cluster", nullptr},
      {"virtual_chassis", nullptr},
      {"vc_position", nullptr},
      {"vc_priority", nullptr},
      {"description", d.description},
      {"comments", d.comments},
      {"config_template", device_config_template_json(fleet, d, base)},
      {"local_context_data", nullptr},
      {"tags", tags},
      {"custom_fields", custom_fields},
      {"created", d.created},
      {"last_updated", d.last_updated},
      {"console_port_count", 1},
      {"console_server_port_count", 0},
      {"power_port_count", 2},
      {"power_outlet_count", 0},
      {"interface_count", 48},
      {"front_port_count", 0},
      {"rear_port_count", 0},
      {"device_bay_count", 0},
      {"module_bay_count", 0},
      {"inventory_item_count", 0},
  };
  if (options.include_config_context) {
    out["config_context"] = config_context(fleet, d);  // computed even when trimmed below, as NetBox does
  }
  if (options.device_role) {
    out["device_role"] = out["role"];
  }
  return trimmed(std::move(out), options);
}

json custom_field_json(const json& def, const std::string& base) {
  const std::int64_t id = def["id"];
  const std::string type = def["type"];
  std::string data_type = "string";
  if (type == "integer") {
    data_type = "integer";
  } else if (type == "decimal") {
    data_type = "decimal";
  } else if (type == "boolean") {
    data_type = "boolean";
  } else if (type == "json") {
    data_type = "object";
  } else if (type == "multiselect" || type == "multiobject") {
    data_type = "array";
  } else if (type == "object") {
    data_type = "object";
  }
  const std::string label = def.value("label", "");
  return {{"id", id},
          {"url", id_url(base, "extras/custom-fields/", id)},
          {"display_url", display_url(base, "extras/custom-fields/", id)},
          {"display", label.empty() ? def["name"].get<std::string>() : label},
          {"object_types", def["object_types"]},
          {"type", choice_value(type)},
          {"related_object_type", nullptr},
          {"data_type", data_type},
          {"name", def["name"]},
          {"label", label},
          {"group_name", def.value("group_name", "")},
          {"description", def.value("description", "")},
          {"required", def.value("required", false)},
          {"unique", def.value("unique", false)},
          {"search_weight", def.value("search_weight", 1000)},
          {"filter_logic", choice_value(def.value("filter_logic", "loose"))},
          {"ui_visible", choice_value(def.value("ui_visible", "always"))},
          {"ui_editable", choice_value(def.value("ui_editable", "yes"))},
          {"is_cloneable", def.value("is_cloneable", false)},
          {"default", def.contains("default") ? def["default"] : json(nullptr)},
          {"related_object_filter", nullptr},
          {"weight", def.value("weight", 100)},
          {"validation_minimum", nullptr},
          {"validation_maximum", nullptr},
          {"validation_regex", ""},
          {"choice_set", nullptr},
          {"comments", def.value("comments", "")},
          {"created", def["created"]},
          {"last_updated", def["last_updated"]}};
}

json custom_link_json(const json& def, const std::string& base) {
  const std::int64_t id = def["id"];
  return {{"id", id},
          {"url", id_url(base, "extras/custom-links/", id)},
          {"display_url", display_url(base, "extras/custom-links/", id)},
          {"display", def["name"]},
          {"object_types", def["object_types"]},
          {"name", def["name"]},
          {"enabled", def.value("enabled", true)},
          {"link_text", def["link_text"]},
          {"link_url", def["link_url"]},
          {"weight", def.value("weight", 100)},
          {"group_name", def.value("group_name", "")},
          {"button_class", def.value("button_class", "default")},
          {"new_window", def.value("new_window", false)},
          {"created", def["created"]},
          {"last_updated", def["last_updated"]}};
}

json journal_entry_json(const json& entry, const Fleet& fleet, const std::string& base) {
  const std::int64_t id = entry["id"];
  const std::int64_t object_id = entry["assigned_object_id"];
  const std::string kind = entry["kind"];
  const std::string created = entry["created"];
  json assigned = nullptr;
  if (const LabDevice* device = fleet.find(object_id)) {
    assigned = brief_device_json(*device, fleet, base);
  }
  // NetBox shows "2025-06-01 02:00 (Info)".
  const std::string display = created.substr(0, 10) + " " + created.substr(11, 5) + " (" + choice_label(kind) + ")";
  return {{"id", id},
          {"url", id_url(base, "extras/journal-entries/", id)},
          {"display_url", display_url(base, "extras/journal-entries/", id)},
          {"display", display},
          {"assigned_object_type", entry["assigned_object_type"]},
          {"assigned_object_id", object_id},
          {"assigned_object", assigned},
          {"created", created},
          {"created_by", 1},
          {"kind", choice_value(kind)},
          {"comments", entry["comments"]},
          {"tags", json::array()},
          {"custom_fields", json::object()},
          {"last_updated", entry["last_updated"]}};
}

namespace {

// What NetBox's platform and device-role objects share, with `own`: the keys of one kind.
json assignable_choice_json(const Choice& c, const std::string& path, json own, long device_count,
                            const std::string& base) {
  json out = {{"id", c.id},
              {"url", id_url(base, path, c.id)},
              {"display_url", display_url(base, path, c.id)},
              {"display", c.name},
              {"name", c.name},
              {"slug", c.slug}};
  out.update(own);
  out.update({{"description", ""},
              {"tags", json::array()},
              {"custom_fields", json::object()},
              {"created", "2025-01-01T00:00:00.000000Z"},
              {"last_updated", "2025-01-01T00:00:00.000000Z"},
              {"device_count", device_count},
              {"virtualmachine_count", 0}});
  return out;
}

}  // namespace

json platform_json(const Fleet& fleet, int platform_index, long device_count, const std::string& base) {
  return assignable_choice_json(
      fleet.platforms()[static_cast<std::size_t>(platform_index)], "dcim/platforms/",
      {{"manufacturer", nullptr}, {"config_template", platform_config_template_json(fleet, platform_index, base)}},
      device_count, base);
}

json role_json(const Fleet& fleet, int role_index, long device_count, const std::string& base) {
  return assignable_choice_json(
      fleet.roles()[static_cast<std::size_t>(role_index)], "dcim/device-roles/",
      {{"color", "9e9e9e"}, {"vm_role", true}, {"config_template", role_config_template_json(fleet, role_index, base)}},
      device_count, base);
}

namespace {

int region_depth(const Fleet& fleet, int region) {
  int depth = 0;
  for (auto parent = fleet.region_parent(region); parent; parent = fleet.region_parent(*parent)) {
    ++depth;
  }
  return depth;
}

json brief_region_json(const Fleet& fleet, int region, const std::string& base) {
  json brief = brief_choice(fleet.regions()[static_cast<std::size_t>(region)], base, "dcim/regions/");
  brief["_depth"] = region_depth(fleet, region);
  return brief;
}

}  // namespace

json region_json(const Fleet& fleet, int region, long site_count, const std::string& base) {
  const Choice& r = fleet.regions()[static_cast<std::size_t>(region)];
  const auto parent = fleet.region_parent(region);
  return {{"id", r.id},
          {"url", id_url(base, "dcim/regions/", r.id)},
          {"display_url", display_url(base, "dcim/regions/", r.id)},
          {"display", r.name},
          {"name", r.name},
          {"slug", r.slug},
          {"parent", parent ? brief_region_json(fleet, *parent, base) : json(nullptr)},
          {"description", ""},
          {"tags", json::array()},
          {"custom_fields", json::object()},
          {"created", "2025-01-01T00:00:00.000000Z"},
          {"last_updated", "2025-01-01T00:00:00.000000Z"},
          {"site_count", site_count},
          {"prefix_count", 0},
          {"_depth", region_depth(fleet, region)}};
}

json site_json(const Fleet& fleet, int site, long device_count, const std::string& base, bool brief) {
  const Choice& s = fleet.sites()[static_cast<std::size_t>(site)];
  if (brief) {
    return brief_choice(s, base, "dcim/sites/");
  }
  return {{"id", s.id},
          {"url", id_url(base, "dcim/sites/", s.id)},
          {"display_url", display_url(base, "dcim/sites/", s.id)},
          {"display", s.name},
          {"name", s.name},
          {"slug", s.slug},
          {"status", choice_value("active")},
          {"region", brief_region_json(fleet, fleet.site_region(site), base)},
          {"group", nullptr},
          {"tenant", nullptr},
          {"facility", ""},
          {"time_zone", nullptr},
          {"description", ""},
          {"physical_address", ""},
          {"shipping_address", ""},
          {"latitude", nullptr},
          {"longitude", nullptr},
          {"comments", ""},
          {"asns", json::array()},
          {"tags", json::array()},
          {"custom_fields", json::object()},
          {"created", "2025-01-01T00:00:00.000000Z"},
          {"last_updated", "2025-01-01T00:00:00.000000Z"},
          {"circuit_count", 0},
          {"device_count", device_count},
          {"prefix_count", 0},
          {"rack_count", 0},
          {"virtualmachine_count", 0},
          {"vlan_count", 0}};
}

}  // namespace nbsync::lab
