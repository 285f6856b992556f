#include "lab/config_templates.hpp"

namespace nbsync::lab {
namespace {

using nlohmann::json;

constexpr const char* k_created = "2025-01-01T00:00:00.000000Z";

std::int64_t template_id(int platform) {
  return platform + 1;
}

json brief_template(const Fleet& fleet, int platform, const std::string& base) {
  const std::string name = fleet.platforms()[static_cast<std::size_t>(platform)].name + " base";
  const std::int64_t id = template_id(platform);
  return {{"id", id},
          {"url", base + "/api/extras/config-templates/" + std::to_string(id) + "/"},
          {"display", name},
          {"name", name},
          {"description", ""}};
}

json full_template(const Fleet& fleet, int platform, const std::string& base) {
  json out = brief_template(fleet, platform, base);
  out["display_url"] = base + "/extras/config-templates/" + std::to_string(template_id(platform)) + "/";
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

// The device's own template: its platform's, for one device in three.
bool own_template(const Fleet& fleet, const LabDevice& device) {
  return device.platform && has_template(fleet.seed(), device.id);
}

}  // namespace

std::optional<int> config_template_of(const Fleet& fleet, const LabDevice& device) {
  if (!device.platform || !(own_template(fleet, device) || platform_has_template(fleet, *device.platform))) {
    return std::nullopt;
  }
  return *device.platform;
}

json device_config_template_json(const Fleet& fleet, const LabDevice& device, const std::string& base) {
  return own_template(fleet, device) ? brief_template(fleet, *device.platform, base) : json(nullptr);
}

json platform_config_template_json(const Fleet& fleet, int platform, const std::string& base) {
  return platform_has_template(fleet, platform) ? brief_template(fleet, platform, base) : json(nullptr);
}

json config_templates_page(const Fleet& fleet, const std::string& base) {
  json results = json::array();
  for (std::size_t p = 0; p < fleet.platforms().size(); ++p) {
    results.push_back(full_template(fleet, static_cast<int>(p), base));
  }
  return {{"count", results.size()}, {"next", nullptr}, {"previous", nullptr}, {"results", results}};
}

json rendered_config_json(const Fleet& fleet, int platform, const std::string& content, const std::string& base) {
  return {{"configtemplate", brief_template(fleet, platform, base)}, {"content", content}};
}

}  // namespace nbsync::lab
