#include "lab/devices/platforms/config_parts.hpp"

namespace nbsync::lab::config_parts {
namespace {

constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

constexpr std::array<const char*, 16> k_peers = {"core",    "dist",   "access",  "fw",     "wan",  "lb",
                                                 "server",  "ap",     "printer", "camera", "voip", "uplink",
                                                 "storage", "backup", "oob",     "lab"};
constexpr std::array<const char*, 12> k_vlan_names = {"users",   "voice", "servers", "mgmt",   "guests", "printers",
                                                      "cameras", "iot",   "storage", "backup", "dmz",    "transit"};
constexpr std::array<const char*, 8> k_locations = {
    "Building A, floor 2, MDF",  "Building B, IDF 3", "DC1 row 4 rack 12", "DC2 row 1 rack 3",
    "Branch office, comms room", "Warehouse cage 7",  "Campus core room",  "Colo suite 204"};

}  // namespace

std::string ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  std::string s = std::to_string(a);
  s.push_back('.');
  s.append(std::to_string(b));
  s.push_back('.');
  s.append(std::to_string(c));
  s.push_back('.');
  s.append(std::to_string(d));
  return s;
}

std::tm utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

std::string two(int n) {
  std::string s;
  if (n < 10) {
    s.push_back('0');
  }
  s.append(std::to_string(n));
  return s;
}

// 07:10:11 UTC Tue Nov 24 2026
std::string ios_time(std::time_t t) {
  const auto tm = utc(t);
  std::string s = two(tm.tm_hour);
  s.append(":").append(two(tm.tm_min)).append(":").append(two(tm.tm_sec)).append(" UTC ");
  s.append(k_days[static_cast<std::size_t>(tm.tm_wday)])
      .append(" ")
      .append(k_months[static_cast<std::size_t>(tm.tm_mon)]);
  s.append(" ").append(std::to_string(tm.tm_mday)).append(" ").append(std::to_string(tm.tm_year + 1900));
  return s;
}

// Tue Nov 24 07:13:25 2026
std::string ctime_style(std::time_t t) {
  const auto tm = utc(t);
  std::string s = k_days[static_cast<std::size_t>(tm.tm_wday)];
  s.append(" ").append(k_months[static_cast<std::size_t>(tm.tm_mon)]).append(" ").append(std::to_string(tm.tm_mday));
  s.append(" ").append(two(tm.tm_hour)).append(":").append(two(tm.tm_min)).append(":").append(two(tm.tm_sec));
  s.append(" ").append(std::to_string(tm.tm_year + 1900));
  return s;
}

// 2026-11-24 07:00:00 UTC
std::string iso_time(std::time_t t) {
  const auto tm = utc(t);
  std::string s = std::to_string(tm.tm_year + 1900);
  s.append("-").append(two(tm.tm_mon + 1)).append("-").append(two(tm.tm_mday)).append(" ");
  s.append(two(tm.tm_hour)).append(":").append(two(tm.tm_min)).append(":").append(two(tm.tm_sec)).append(" UTC");
  return s;
}

std::uint64_t secret_stream(const ConfigRequest& r, std::uint64_t salt) {
  const auto id = static_cast<std::uint64_t>(r.id);
  return r.secret_generation == 0 ? mix({r.seed, id, salt}) : mix({r.seed, id, salt, r.secret_generation});
}

Facts make_facts(const ConfigRequest& r) {
  Facts f;
  f.hostname = r.hostname;
  f.target = target_config_size(r.seed, r.id);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xc0f1ULL}));
  f.site = rng.range(1, 250);
  f.mgmt_host = rng.range(2, 250);
  f.asn = static_cast<std::uint32_t>(rng.range(64512, 65534));
  f.peer_asn = static_cast<std::uint32_t>(rng.range(64512, 65534));
  const int vlan_count = rng.range(4, 12);
  int vlan = 10;
  for (int i = 0; i < vlan_count; ++i) {
    f.vlans.push_back(vlan);
    vlan += 10 * rng.range(1, 3);
  }
  f.access_ports = rng.range(24, 48);
  if (r.secret_generation > 0) {  // rotated secrets: the same draws from another stream
    rng = Rng(secret_stream(r, 0x5ec7ULL));
  }
  f.enable_hash = "$9$" + rng.crypt_chars(14) + "$" + rng.crypt_chars(43);
  f.admin_hash = "$9$" + rng.crypt_chars(14) + "$" + rng.crypt_chars(43);
  f.netops_hash = "$9$" + rng.crypt_chars(14) + "$" + rng.crypt_chars(43);
  f.snmp_community = "snmp-" + rng.word(12);
  f.tacacs_key = rng.hex(24);
  f.bgp_key = rng.hex(20);
  f.sha512_admin = "$6$" + rng.crypt_chars(16) + "$" + rng.crypt_chars(86);
  f.md5_user = "0x" + rng.hex(32);
  for (std::size_t s = 0; s < f.slot.size(); ++s) {
    f.slot[s] = mix({r.seed, static_cast<std::uint64_t>(r.id), 0x510fULL, s, 0});
  }
  for (std::uint32_t v = 1; v <= r.version; ++v) {
    const auto h = mix({r.seed, static_cast<std::uint64_t>(r.id), 0x7e75ULL, v});
    const auto s = h % f.slot.size();
    f.slot[s] = mix({r.seed, static_cast<std::uint64_t>(r.id), 0x510fULL, s, v});
  }
  // Time of the last commit: stable per version.
  f.commit_time = 1767225600 +
                  static_cast<std::time_t>(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x71eULL}) % 15552000) +
                  static_cast<std::time_t>(r.version) * 7200;
  return f;
}

std::string description(const Facts& f, int port) {
  Rng rng(mix({f.slot[0], static_cast<std::uint64_t>(port)}));
  std::string d = k_peers[rng.below(k_peers.size())];
  d.append("-").append(std::to_string(rng.range(1, 40))).append(" port ").append(std::to_string(rng.range(1, 48)));
  if (port == 1) {
    d.append(" ticket CHG").append(std::to_string(f.slot[0] % 1000000));
  }
  return d;
}

std::string vlan_name(const Facts& f, std::size_t index) {
  std::string n = k_vlan_names[(index + f.slot[1]) % k_vlan_names.size()];
  if (index == 0) {
    n.append("-").append(std::to_string(f.slot[1] % 1000));
  }
  return n;
}

std::string location(const Facts& f) {
  std::string l = k_locations[f.slot[3] % k_locations.size()];
  l.append(", asset ").append(std::to_string(f.slot[3] % 1000000));
  return l;
}

std::string slot_host(const Facts& f, std::size_t slot, int net) {
  return ip(10, static_cast<std::uint32_t>(net), static_cast<std::uint32_t>((f.slot[slot] >> 8) % 250 + 1),
            static_cast<std::uint32_t>(f.slot[slot] % 250 + 2));
}

// Number of filler entries (ACL lines) left to reach the target size.
std::size_t filler_entries(std::size_t current, std::size_t target, std::size_t tail, std::size_t per_entry) {
  if (current + tail >= target) {
    return 0;
  }
  return (target - current - tail) / per_entry;
}

}  // namespace nbsync::lab::config_parts
