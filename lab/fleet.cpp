#include "lab/fleet.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>

namespace nbsync::lab {
namespace {

// splitmix64: a tiny, well-mixed hash so each (seed, index, field) gives its own stream.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

class DeviceRandom {
public:
  DeviceRandom(std::uint64_t seed, std::int64_t index) : m_state(mix(seed ^ mix(static_cast<std::uint64_t>(index)))) {}
  std::uint64_t next() { return m_state = mix(m_state); }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  // True with probability per_mille / 1000.
  bool chance(unsigned per_mille) { return below(1000) < per_mille; }

private:
  std::uint64_t m_state;
};

Choice choice(std::int64_t id, std::string name, std::string slug) {
  return Choice{id, std::move(name), std::move(slug)};
}

constexpr std::array k_city_codes = {"ams", "fra", "lon", "par", "nyc", "sjc", "sin", "syd", "tyo", "gru",
                                     "jnb", "dub", "mad", "waw", "sto", "osl", "zrh", "vie", "mil", "ord"};

// NetBox's regions, a tree as network teams build it: continents, then countries. A site's
// region is the country of its city code (k_city_codes, same order).
struct RegionSpec {
  const char* name;
  const char* slug;
  int parent;  // index into k_regions, -1 for a top-level region
};
constexpr std::array<RegionSpec, 24> k_regions = {{
    {"Europe", "europe", -1},
    {"Americas", "americas", -1},
    {"Asia Pacific", "asia-pacific", -1},
    {"Africa", "africa", -1},
    {"Netherlands", "netherlands", 0},
    {"Germany", "germany", 0},
    {"United Kingdom", "united-kingdom", 0},
    {"France", "france", 0},
    {"US East", "us-east", 1},
    {"US West", "us-west", 1},
    {"Singapore", "singapore", 2},
    {"Australia", "australia", 2},
    {"Japan", "japan", 2},
    {"Brazil", "brazil", 1},
    {"South Africa", "south-africa", 3},
    {"Ireland", "ireland", 0},
    {"Spain", "spain", 0},
    {"Poland", "poland", 0},
    {"Sweden", "sweden", 0},
    {"Norway", "norway", 0},
    {"Switzerland", "switzerland", 0},
    {"Austria", "austria", 0},
    {"Italy", "italy", 0},
    {"US Central", "us-central", 1},
}};
// The region (index into k_regions) of each city code: the first four regions are
// continents, so city i lies in country 4 + i.
constexpr int k_first_country = 4;
static_assert(k_regions.size() == k_first_country + k_city_codes.size());

struct RoleSpec {
  const char* name;
  const char* slug;
  const char* prefix;  // device name prefix
};
constexpr std::array<RoleSpec, 7> k_roles = {{
    {"Core Router", "core-router", "cr"},
    {"Edge Router", "edge-router", "er"},
    {"Distribution Switch", "distribution-switch", "ds"},
    {"Access Switch", "access-switch", "as"},
    {"Spine", "spine", "sp"},
    {"Leaf", "leaf", "lf"},
    {"Firewall", "firewall", "fw"},
}};

struct TypeSpec {
  const char* model;
  const char* slug;
  int manufacturer;  // index into k_manufacturers
  int platform;      // index into k_platforms
};
constexpr std::array<std::pair<const char*, const char*>, 10> k_manufacturers = {{{"Cisco", "cisco"},
                                                                                  {"Arista", "arista"},
                                                                                  {"Juniper", "juniper"},
                                                                                  {"HPE", "hpe"},
                                                                                  {"Opengear", "opengear"},
                                                                                  {"Generic", "generic"},
                                                                                  {"Palo Alto Networks", "paloalto"},
                                                                                  {"Huawei", "huawei"},
                                                                                  {"MikroTik", "mikrotik"},
                                                                                  {"Fortinet", "fortinet"}}};
// The first four platforms and those from the eighth on are the ones the lab simulates and
// nbsync has a profile for; the fifth to the seventh nbsync has no profile for. New ones are
// appended, so that a platform keeps its NetBox id.
constexpr std::array<std::pair<const char*, const char*>, 15> k_platforms = {{
    {"Cisco IOS", "cisco-ios"},
    {"Cisco NX-OS", "cisco-nxos"},
    {"Arista EOS", "arista-eos"},
    {"Juniper Junos", "juniper-junos"},
    {"Cisco WLC", "cisco-wlc"},
    {"Opengear", "opengear"},
    {"HPE ProCurve", "hpe-procurve"},
    {"Cisco ASA", "cisco-asa"},
    {"Cisco IOS XR", "cisco-iosxr"},
    {"Huawei VRP", "huawei-vrp"},
    {"Palo Alto PAN-OS", "paloalto-panos"},
    {"Linux (FRR)", "linux"},
    {"MikroTik RouterOS", "mikrotik-routeros"},
    {"Aruba AOS-CX", "aruba-aoscx"},
    {"Fortinet FortiOS", "fortinet-fortios"},
}};
constexpr int k_first_later_platform = 7;  // cisco-asa; the eight from here on
constexpr std::array<TypeSpec, 18> k_types = {{
    {"ISR4451-X", "isr4451-x", 0, 0},
    {"C9300-48P", "c9300-48p", 0, 0},
    {"N9K-C93180YC-EX", "n9k-c93180yc-ex", 0, 1},
    {"DCS-7050SX3-48YC8", "dcs-7050sx3-48yc8", 1, 2},
    {"DCS-7280SR-48C6", "dcs-7280sr-48c6", 1, 2},
    {"MX204", "mx204", 2, 3},
    {"EX4300-48T", "ex4300-48t", 2, 3},
    {"AIR-CT5520-K9", "air-ct5520-k9", 0, 4},
    {"CM7148", "cm7148", 4, 5},
    {"Aruba 2930F", "aruba-2930f", 3, 6},
    {"ASA5516-X", "asa5516-x", 0, 7},
    {"ASR-9901", "asr-9901", 0, 8},
    {"PA-3220", "pa-3220", 6, 10},
    {"S5720-52X-SI-AC", "s5720-52x-si-ac", 7, 9},
    {"Whitebox x86 router", "whitebox-x86-router", 5, 11},
    {"CCR2004-16G-2S+", "ccr2004-16g-2s-plus", 8, 12},
    {"Aruba 6300M", "aruba-6300m", 3, 13},
    {"FortiGate-100F", "fortigate-100f", 9, 14},
}};
// Devices without a platform draw their type from the first ten, as before the types of the
// later platforms were added: the same seed keeps giving the same inventory.
constexpr std::size_t k_types_without_platform = 10;

constexpr std::array<std::pair<const char*, const char*>, 5> k_tenants = {{{"Retail", "retail"},
                                                                           {"Corporate IT", "corporate-it"},
                                                                           {"Manufacturing", "manufacturing"},
                                                                           {"Research", "research"},
                                                                           {"Guest Services", "guest-services"}}};
constexpr std::array<std::pair<const char*, const char*>, 7> k_tags = {{{"core", "core"},
                                                                        {"backup", "backup"},
                                                                        {"pci", "pci"},
                                                                        {"monitored", "monitored"},
                                                                        {"legacy", "legacy"},
                                                                        {"lab", "lab"},
                                                                        {"Backup now", "backup-now"}}};
// Generated devices draw from the first six; "backup-now" is only ever set by a user (issue 20).
constexpr std::size_t k_drawn_tags = 6;

// A fixed "creation" instant so generated timestamps are the same on every start.
constexpr std::time_t k_epoch = 1735689600;  // 2025-01-01T00:00:00Z

std::string iso_time(std::time_t seconds, long micros) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[96];
  std::snprintf(out, sizeof out, "%s.%06ldZ", buffer, micros);
  return out;
}

}  // namespace

std::uint32_t lab_address(std::int64_t index) {
  const auto per_block = static_cast<std::int64_t>(254);
  const auto block = static_cast<std::uint32_t>(index / per_block);  // a /24 with hosts .1-.254
  const auto host = static_cast<std::uint32_t>(index % per_block) + 1;
  return (127u << 24) + (1u << 16) + (block << 8) + host;
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
         std::to_string(a & 255);
}

std::string utc_now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return iso_time(static_cast<std::time_t>(micros / 1000000), static_cast<long>(micros % 1000000));
}

Fleet::Fleet(std::int64_t count, std::uint64_t seed) : m_seed(seed) {
  const std::int64_t site_count = std::clamp<std::int64_t>(count / 100, 3, 1000);
  for (std::int64_t i = 0; i < site_count; ++i) {
    const std::string code = k_city_codes[static_cast<std::size_t>(i) % k_city_codes.size()];
    const std::string number = std::to_string(i / static_cast<std::int64_t>(k_city_codes.size()) + 1);
    std::string name = code + number;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    m_sites.push_back(choice(i + 1, name, code + number));
    m_site_regions.push_back(k_first_country + static_cast<int>(static_cast<std::size_t>(i) % k_city_codes.size()));
  }
  for (std::size_t i = 0; i < k_regions.size(); ++i) {
    m_regions.push_back(choice(static_cast<std::int64_t>(i) + 1, k_regions[i].name, k_regions[i].slug));
    m_region_parents.push_back(k_regions[i].parent < 0 ? std::nullopt : std::optional<int>(k_regions[i].parent));
  }
  for (std::size_t i = 0; i < k_roles.size(); ++i) {
    m_roles.push_back(choice(static_cast<std::int64_t>(i) + 1, k_roles[i].name, k_roles[i].slug));
  }
  for (std::size_t i = 0; i < k_tenants.size(); ++i) {
    m_tenants.push_back(choice(static_cast<std::int64_t>(i) + 1, k_tenants[i].first, k_tenants[i].second));
  }
  for (std::size_t i = 0; i < k_tags.size(); ++i) {
    m_tags.push_back(choice(static_cast<std::int64_t>(i) + 1, k_tags[i].first, k_tags[i].second));
  }
  for (std::size_t i = 0; i < k_platforms.size(); ++i) {
    m_platforms.push_back(choice(static_cast<std::int64_t>(i) + 1, k_platforms[i].first, k_platforms[i].second));
  }
  for (std::size_t i = 0; i < k_types.size(); ++i) {
    m_device_types.push_back(choice(static_cast<std::int64_t>(i) + 1, k_types[i].model, k_types[i].slug));
    const auto& maker = k_manufacturers[static_cast<std::size_t>(k_types[i].manufacturer)];
    m_manufacturers.push_back(choice(k_types[i].manufacturer + 1, maker.first, maker.second));
    m_type_platform.push_back(k_types[i].platform);
  }
  m_devices.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    m_devices.push_back(generate(i));
  }
  m_next_index = count;
}

LabDevice Fleet::generate(std::int64_t index) const {
  DeviceRandom random(m_seed, index);
  LabDevice d;
  d.id = index + 1;
  d.ip_id = index + 1;
  d.site = static_cast<int>(random.below(m_sites.size()));

  // Platform mix, like an enterprise: IOS 31 %, NX-OS 11 %, EOS 12 %, Junos 16 %, each of
  // the eight other simulated platforms 2.5 % (ASA, IOS XR, VRP, PAN-OS, Linux, RouterOS,
  // AOS-CX, FortiOS), platforms nbsync has no profile for 6 %, none 4 %.
  const auto draw = random.below(1000);
  int platform_index = -1;
  if (draw < 310) {
    platform_index = 0;
  } else if (draw < 420) {
    platform_index = 1;
  } else if (draw < 540) {
    platform_index = 2;
  } else if (draw < 700) {
    platform_index = 3;
  } else if (draw < 900) {
    platform_index = k_first_later_platform + static_cast<int>((draw - 700) / 25);
  } else if (draw < 960) {
    platform_index = 4 + static_cast<int>(random.below(3));
  }
  std::vector<int> types;
  for (std::size_t t = 0; t < k_types.size(); ++t) {
    if ((platform_index < 0 && t < k_types_without_platform) || m_type_platform[t] == platform_index) {
      types.push_back(static_cast<int>(t));
    }
  }
  d.device_type = types[random.below(types.size())];
  if (platform_index >= 0) {
    d.platform = platform_index;
  }
  // Roles follow the hardware loosely: firewalls and spines are rarer.
  d.role = static_cast<int>(random.below(m_roles.size()));
  if (random.chance(700)) {
    d.tenant = static_cast<int>(random.below(m_tenants.size()));
  }
  for (std::size_t t = 0; t < k_drawn_tags; ++t) {
    if (random.chance(t == 1 ? 600 : 150)) {  // most devices carry "backup"
      d.tags.push_back(static_cast<int>(t));
    }
  }

  const auto status_draw = random.below(1000);
  if (status_draw < 40) {
    d.status = "offline";
  } else if (status_draw < 70) {
    d.status = "planned";
  } else if (status_draw < 80) {
    d.status = "staged";
  } else if (status_draw < 90) {
    d.status = "failed";
  } else if (status_draw < 95) {
    d.status = "decommissioning";
  } else {
    d.status = "active";
  }

  if (!random.chance(20)) {  // ~2 % have no primary IP
    d.ipv4 = lab_address(index);
  }

  const std::string& site_slug = m_sites[static_cast<std::size_t>(d.site)].slug;
  char number[16];
  std::snprintf(number, sizeof number, "%02lld", static_cast<long long>(index % 97 + 1));
  if (index == 7) {
    d.name = "zürich-core-01";  // non-ASCII names exist in real inventories
  } else if (index == 41) {
    d.name = "são-paulo-edge-01";
  } else if (random.chance(15)) {
    d.name = std::string(k_roles[static_cast<std::size_t>(d.role)].prefix) + "-oob-01";  // repeats across sites
  } else if (random.chance(2)) {
    d.name = std::nullopt;  // an unnamed device
  } else {
    d.name = std::string(k_roles[static_cast<std::size_t>(d.role)].prefix) + "-" + site_slug + "-" +
             std::to_string(index + 1) + "-" + number;
  }
  char serial[24];
  std::snprintf(serial, sizeof serial, "FOC%08llX", static_cast<unsigned long long>(random.next() & 0xffffffffULL));
  d.serial = serial;
  const auto created = k_epoch + static_cast<std::time_t>(random.below(86400 * 300));
  d.created = iso_time(created, static_cast<long>(random.below(1000000)));
  d.last_updated =
      iso_time(created + static_cast<std::time_t>(random.below(86400 * 30)), static_cast<long>(random.below(1000000)));
  return d;
}

bool Fleet::region_within(int region, int ancestor) const {
  for (std::optional<int> at = region; at; at = region_parent(*at)) {
    if (*at == ancestor) {
      return true;
    }
  }
  return false;
}

LabDevice* Fleet::find(std::int64_t id) {
  auto it = std::lower_bound(m_devices.begin(), m_devices.end(), id,
                             [](const LabDevice& d, std::int64_t v) { return d.id < v; });
  return it != m_devices.end() && it->id == id ? &*it : nullptr;
}

const LabDevice* Fleet::find(std::int64_t id) const {
  return const_cast<Fleet*>(this)->find(id);
}

LabDevice& Fleet::add() {
  LabDevice d = generate(m_next_index++);
  d.created = utc_now_iso();
  d.last_updated = d.created;
  m_devices.push_back(std::move(d));
  return m_devices.back();
}

bool Fleet::remove(std::int64_t id) {
  auto it = std::lower_bound(m_devices.begin(), m_devices.end(), id,
                             [](const LabDevice& d, std::int64_t v) { return d.id < v; });
  if (it == m_devices.end() || it->id != id) {
    return false;
  }
  m_devices.erase(it);
  return true;
}

void Fleet::restore(LabDevice device) {
  m_next_index = std::max(m_next_index, device.id);
  auto it = std::lower_bound(m_devices.begin(), m_devices.end(), device.id,
                             [](const LabDevice& d, std::int64_t v) { return d.id < v; });
  if (it != m_devices.end() && it->id == device.id) {
    *it = std::move(device);
  } else {
    m_devices.insert(it, std::move(device));
  }
}

}  // namespace nbsync::lab
