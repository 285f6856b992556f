// NetboxApi's persistence: with --state DIR, everything written through the API (custom
// fields, links, journal entries, device changes, added and removed devices) is kept in
// DIR/netbox-state.json, rewritten atomically (temp file + rename) by flush().
#include <fstream>
#include <stdexcept>

#include "lab/netbox_api.hpp"

namespace nbsync::lab {
namespace {

using json = nlohmann::json;

constexpr const char* k_state_file = "netbox-state.json";

json optional_int(const std::optional<int>& value) {
  return value ? json(*value) : json(nullptr);
}

json device_record(const LabDevice& d) {
  return {{"id", d.id},
          {"name", d.name ? json(*d.name) : json(nullptr)},
          {"site", d.site},
          {"role", d.role},
          {"device_type", d.device_type},
          {"tenant", optional_int(d.tenant)},
          {"platform", optional_int(d.platform)},
          {"tags", d.tags},
          {"status", d.status},
          {"ipv4", d.ipv4},
          {"ip_id", d.ip_id},
          {"serial", d.serial},
          {"description", d.description},
          {"comments", d.comments},
          {"custom_fields", d.custom_fields},
          {"created", d.created},
          {"last_updated", d.last_updated}};
}

LabDevice device_from_record(const json& r) {
  LabDevice d;
  d.id = r.at("id");
  if (!r.at("name").is_null()) {
    d.name = r["name"].get<std::string>();
  }
  d.site = r.at("site");
  d.role = r.at("role");
  d.device_type = r.at("device_type");
  if (!r.at("tenant").is_null()) {
    d.tenant = r["tenant"].get<int>();
  }
  if (!r.at("platform").is_null()) {
    d.platform = r["platform"].get<int>();
  }
  d.tags = r.at("tags").get<std::vector<int>>();
  d.status = r.at("status");
  d.ipv4 = r.at("ipv4");
  d.ip_id = r.at("ip_id");
  d.serial = r.at("serial");
  d.description = r.at("description");
  d.comments = r.at("comments");
  d.custom_fields = r.at("custom_fields");
  d.created = r.at("created");
  d.last_updated = r.at("last_updated");
  return d;
}

}  // namespace

json NetboxApi::state_json() const {
  json devices = json::array();
  for (std::int64_t id : m_touched) {
    if (const LabDevice* d = m_fleet.find(id)) {
      devices.push_back(device_record(*d));
    }
  }
  return {{"version", 1},
          {"seed", m_fleet.seed()},
          {"generated_count", m_generated_count},
          {"custom_fields", m_custom_fields},
          {"custom_links", m_custom_links},
          {"journal", m_journal},
          {"next_ids",
           {{"custom_field", m_next_custom_field_id},
            {"custom_link", m_next_custom_link_id},
            {"journal", m_next_journal_id}}},
          {"devices", devices},
          {"removed", m_removed}};
}

void NetboxApi::load_state() {
  if (m_options.state_dir.empty()) {
    return;
  }
  const auto path = m_options.state_dir / k_state_file;
  std::ifstream in(path);
  if (!in) {
    return;  // a new state directory
  }
  json state;
  try {
    state = json::parse(in);
    if (state.at("seed").get<std::uint64_t>() != m_fleet.seed() ||
        state.at("generated_count").get<std::int64_t>() != m_generated_count) {
      throw std::runtime_error("it was written for --seed " + state["seed"].dump() + " --devices " +
                               state["generated_count"].dump() + "; use those, or another --state directory");
    }
    m_custom_fields = state.at("custom_fields").get<std::vector<json>>();
    m_custom_links = state.at("custom_links").get<std::vector<json>>();
    m_journal = state.at("journal").get<std::vector<json>>();
    m_next_custom_field_id = state.at("next_ids").at("custom_field");
    m_next_custom_link_id = state.at("next_ids").at("custom_link");
    m_next_journal_id = state.at("next_ids").at("journal");
    for (std::int64_t id : state.at("removed").get<std::vector<std::int64_t>>()) {
      m_fleet.remove(id);
      m_removed.insert(id);
    }
    for (const auto& record : state.at("devices")) {
      LabDevice device = device_from_record(record);
      m_touched.insert(device.id);
      m_fleet.restore(std::move(device));
    }
  } catch (const std::exception& e) {
    throw std::runtime_error(path.string() + ": cannot use this lab state: " + e.what());
  }
}

void NetboxApi::flush() {
  if (m_options.state_dir.empty()) {
    return;
  }
  std::lock_guard flush_lock(m_flush_mutex);
  std::string text;
  {
    std::lock_guard lock(m_mutex);
    if (!m_dirty) {
      return;
    }
    text = state_json().dump();
    m_dirty = false;
  }
  const auto path = m_options.state_dir / k_state_file;
  const auto temp = m_options.state_dir / (std::string(k_state_file) + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::lock_guard lock(m_mutex);
      m_dirty = true;  // try again on the next flush
      throw std::runtime_error("cannot write " + temp.string());
    }
  }
  std::filesystem::rename(temp, path);
}

}  // namespace nbsync::lab
