#pragma once
// The lab's inventory: N devices generated from a seed, identical on every start with the
// same (N, seed). Device i's attributes depend only on (seed, i), so a small fleet is a
// prefix of a larger one. Deliberately messy like a real NetBox: ~2 % without a primary
// IP, some without a platform, some offline or planned, repeated names across sites, and
// a few non-ASCII names. Addresses are distinct, in 127.0.0.0/8, never 127.0.0.1.
// Not thread-safe: the API server guards it with its own mutex.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nbsync::lab {

// A NetBox object a device points to: site, role, tenant, tag, platform, device type.
struct Choice {
  std::int64_t id = 0;
  std::string name;
  std::string slug;
};

struct LabDevice {
  std::int64_t id = 0;
  std::optional<std::string> name;  // NetBox allows unnamed devices
  int site = 0;                     // index into Fleet::sites()
  int role = 0;                     // index into Fleet::roles()
  int device_type = 0;              // index into Fleet::device_types()
  std::optional<int> tenant;        // index into Fleet::tenants()
  std::optional<int> platform;      // index into Fleet::platforms()
  std::vector<int> tags;            // indexes into Fleet::tags()
  std::string status = "active";
  std::uint32_t ipv4 = 0;  // host byte order; 0 = no primary IP
  std::int64_t ip_id = 0;  // the IPAddress object's id
  std::string serial;
  std::string description;
  std::string comments;
  nlohmann::json custom_fields = nlohmann::json::object();  // only the values that were set
  std::string created;                                      // ISO 8601, UTC, microseconds, "Z"
  std::string last_updated;
};

class Fleet {
public:
  Fleet(std::int64_t count, std::uint64_t seed);

  const std::vector<Choice>& sites() const { return m_sites; }
  // NetBox's regions: continents, then countries (a tree); each site lies in one.
  const std::vector<Choice>& regions() const { return m_regions; }
  std::optional<int> region_parent(int region) const { return m_region_parents[static_cast<std::size_t>(region)]; }
  int site_region(int site) const { return m_site_regions[static_cast<std::size_t>(site)]; }
  // True when `region` is `ancestor` or lies below it.
  bool region_within(int region, int ancestor) const;
  const std::vector<Choice>& roles() const { return m_roles; }
  const std::vector<Choice>& tenants() const { return m_tenants; }
  const std::vector<Choice>& tags() const { return m_tags; }
  const std::vector<Choice>& platforms() const { return m_platforms; }
  const std::vector<Choice>& device_types() const { return m_device_types; }
  // The manufacturer of each device type (same index).
  const std::vector<Choice>& manufacturers() const { return m_manufacturers; }

  // Devices in id order.
  const std::vector<LabDevice>& devices() const { return m_devices; }
  LabDevice* find(std::int64_t id);
  const LabDevice* find(std::int64_t id) const;
  // Adds a device with the next free id and address, attributes drawn as for generated
  // devices; the caller may then change any field. Returns it.
  LabDevice& add();
  bool remove(std::int64_t id);
  // Puts back a device saved earlier (replacing the generated one with the same id).
  void restore(LabDevice device);

  std::uint64_t seed() const { return m_seed; }

private:
  LabDevice generate(std::int64_t index) const;
  std::uint64_t m_seed;
  std::vector<Choice> m_sites, m_regions, m_roles, m_tenants, m_tags, m_platforms, m_device_types, m_manufacturers;
  std::vector<int> m_site_regions;                   // site index -> region index
  std::vector<std::optional<int>> m_region_parents;  // region index -> its parent's
  std::vector<int> m_type_platform;                  // device type index -> platform index it runs
  std::vector<LabDevice> m_devices;
  std::int64_t m_next_index = 0;
};

// The address of the index-th generated device: 127.1.0.1, 127.1.0.2, ... skipping .0
// and .255 in the last octet.
std::uint32_t lab_address(std::int64_t index);
std::string format_ipv4(std::uint32_t address);
// Current UTC time as NetBox prints it: 2025-03-01T20:02:46.173540Z
std::string utc_now_iso();

}  // namespace nbsync::lab
