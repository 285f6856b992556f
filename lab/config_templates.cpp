#include "lab/config_templates.hpp"

namespace nbsync::lab {
namespace {

using nlohmann::json;

constexpr const char* k_created = "2025-01-01T00:00:00.000000Z";

// The lab's templates, by index: one per platform (the platform's index), then the Spine
// role's (index = the number of platforms).
constexpr const char* k_role_with_template = "spine";

int role_template(const Fleet& fleet) {
  return static_cast<int>(fleet.platforms().size());
}

std::int64_t template_id(int index) {
  return index + 1;
}

std::string template_name(const Fleet& fleet, int index) {
  return index == role_template(fleet) ? std::string("Spine base")
                                       : fleet.platforms()[static_cast<std::size_t>(index)].name + " base";
}

json brief_template(const Fleet& fleet, int index, const std::string& base) {
  const std::string name = template_name(fleet, index);
  const std::int64_t id = template_id(index);
  return {{"id", id},
          {"url", base + "/api/extras/config-templates/" + std::to_string(id) + "/"},
          {"display", name},
          {"name", name},
          {"description", ""}};
}

json full_template(const Fleet& fleet, int index, const std::string& base) {
  json out = brief_template(fleet, index, base);
  out["display_url"] = base + "/extras/config-templates/" + std::to_string(template_id(index)) + "/";
  out["environment_params"] = json::object();
  out["template_code"] = "{# nbsync-lab renders this from the device's simulated config #}\n";
  out["data_source"] = nullptr;
  out["data_path"] = "";
  out["data_file"] = nullptr;
  out["data_synced"] = nullptr;
  out["tags"] = json::array();
  out["created"] = k_created;
  out["last_updated"] = k_created;
  return out;
}

// One device in three, drawn from (seed, id).
bool has_template(std::uint64_t seed, std::int64_t id) {
  std::uint64_t x = seed ^ (static_cast<std::uint64_t>(id) * 0x9e3779b97f4a7c15ULL) ^ 0xc0f1e7ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return (x ^ (x >> 31)) % 3 == 0;
}

bool platform_has_template(const Fleet& fleet, int platform) {
  return fleet.platforms()[static_cast<std::size_t>(platform)].slug == "arista-eos";
}

bool role_has_template(const Fleet& fleet, int role) {
  return fleet.roles()[static_cast<std::size_t>(role)].slug == k_role_with_template;
}

// The device's own template: its platform's, for one device in three.
bool own_template(const Fleet& fleet, const LabDevice& device) {
  return device.platform && has_template(fleet.seed(), device.id);
}

}  // namespace

std::optional<int> config_template_of(const Fleet& fleet, const LabDevice& device) {
  if (!device.platform) {
    return std::nullopt;  // the lab renders from the device's simulated config: it needs one
  }
  if (own_template(fleet, device)) {
    return *device.platform;
  }
  if (role_has_template(fleet, device.role)) {
    return role_template(fleet);
  }
  if (platform_has_template(fleet, *device.platform)) {
    return *device.platform;
  }
  return std::nullopt;
}

json device_config_template_json(const Fleet& fleet, const LabDevice& device, const std::string& base) {
  return own_template(fleet, device) ? brief_template(fleet, *device.platform, base) : json(nullptr);
}

json platform_config_template_json(const Fleet& fleet, int platform, const std::string& base) {
  return platform_has_template(fleet, platform) ? brief_template(fleet, platform, base) : json(nullptr);
}

json role_config_template_json(const Fleet& fleet, int role, const std::string& base) {
  return role_has_template(fleet, role) ? brief_template(fleet, role_template(fleet), base) : json(nullptr);
}

json config_templates_page(const Fleet& fleet, const std::string& base) {
  json results = json::array();
  for (int index = 0; index <= role_template(fleet); ++index) {
    results.push_back(full_template(fleet, index, base));
  }
  return {{"count", results.size()}, {"next", nullptr}, {"previous", nullptr}, {"results", results}};
}

json rendered_config_json(const Fleet& fleet, int index, const std::string& content, const std::string& base) {
  return {{"configtemplate", brief_template(fleet, index, base)}, {"content", content}};
}

}  // namespace nbsync::lab
