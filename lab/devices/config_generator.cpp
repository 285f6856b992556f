#include "lab/devices/config_generator.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "lab/devices/detail/random.hpp"

namespace nbsync::lab {
namespace {

using detail::mix;
using detail::Rng;

// Appends pieces to one string; numbers as decimal. Keeps the generator free of temporaries.
class Text {
public:
  explicit Text(std::size_t reserve) { m_s.reserve(reserve); }
  template <typename... Parts>
  void line(const Parts&... parts) {
    (put(parts), ...);
    m_s.push_back('\n');
  }
  template <typename... Parts>
  void add(const Parts&... parts) {
    (put(parts), ...);
  }
  std::size_t size() const { return m_s.size(); }
  std::string take() { return std::move(m_s); }

private:
  void put(std::string_view s) { m_s.append(s); }
  void put(const std::string& s) { m_s.append(s); }
  void put(const char* s) { m_s.append(s); }
  void put(char c) { m_s.push_back(c); }
  template <typename N>
    requires std::is_integral_v<N>
  void put(N n) {
    m_s.append(std::to_string(n));
  }
  std::string m_s;
};

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

constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

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

constexpr std::array<const char*, 16> k_peers = {"core",    "dist",   "access",  "fw",     "wan",  "lb",
                                                 "server",  "ap",     "printer", "camera", "voip", "uplink",
                                                 "storage", "backup", "oob",     "lab"};
constexpr std::array<const char*, 12> k_vlan_names = {"users",   "voice", "servers", "mgmt",   "guests", "printers",
                                                      "cameras", "iot",   "storage", "backup", "dmz",    "transit"};
constexpr std::array<const char*, 8> k_locations = {
    "Building A, floor 2, MDF",  "Building B, IDF 3", "DC1 row 4 rack 12", "DC2 row 1 rack 3",
    "Branch office, comms room", "Warehouse cage 7",  "Campus core room",  "Colo suite 204"};

// Everything the renderers share: drawn once from (seed, id), with the few "slots" that
// versions change.
struct Facts {
  std::string hostname;
  std::size_t target = 0;
  int site = 0;  // second octet of the device's private ranges
  int mgmt_host = 0;
  std::uint32_t asn = 0;
  std::uint32_t peer_asn = 0;
  std::vector<int> vlans;
  int access_ports = 0;
  std::time_t commit_time = 0;
  // secrets
  std::string enable_hash, admin_hash, netops_hash, snmp_community, tacacs_key, bgp_key, sha512_admin, md5_user;
  // slot hashes: version changes one slot at a time
  std::array<std::uint64_t, 6> slot{};
};

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

// ---------------------------------------------------------------- Cisco IOS
GeneratedConfig render_ios(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x105ULL}));
  const auto volatile_change = r.now - static_cast<std::time_t>(r.read_nonce % 5000) - 60;
  t.line("!");
  t.line("! Last configuration change at ", ios_time(volatile_change), " by admin");
  t.line("! NVRAM config last updated at ", ios_time(volatile_change - static_cast<std::time_t>(r.read_nonce % 977)),
         " by admin");
  t.line("!");
  t.line("version 15.2");
  t.line("service timestamps debug datetime msec");
  t.line("service timestamps log datetime msec");
  t.line("service password-encryption");
  t.line("!");
  t.line("hostname ", f.hostname);
  t.line("!");
  t.line("boot-start-marker");
  t.line("boot-end-marker");
  t.line("!");
  t.line("logging buffered 64000 informational");
  t.line("enable secret 9 ", f.enable_hash);
  t.line("!");
  t.line("username admin privilege 15 secret 9 ", f.admin_hash);
  t.line("username netops privilege 15 secret 9 ", f.netops_hash);
  t.line("aaa new-model");
  t.line("!");
  t.line("aaa group server tacacs+ TACACS");
  t.line(" server name TAC-1");
  t.line("!");
  t.line("aaa authentication login default group TACACS local");
  t.line("aaa authorization exec default group TACACS local ");
  t.line("aaa accounting commands 15 default start-stop group TACACS");
  t.line("!");
  t.line("aaa session-id common");
  t.line("clock timezone UTC 0 0");
  t.line("switch 1 provision ws-c3850-48p");
  t.line("!");
  t.line("no ip domain lookup");
  t.line("ip domain name corp.example.net");
  t.line("ip ssh version 2");
  t.line("ip ssh time-out 60");
  t.line("!");
  t.line("spanning-tree mode rapid-pvst");
  t.line("spanning-tree extend system-id");
  t.line("!");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("vlan ", f.vlans[i]);
    t.line(" name ", vlan_name(f, i));
    t.line("!");
  }
  t.line("interface Loopback0");
  t.line(" ip address 10.255.", f.site, ".", f.mgmt_host, " 255.255.255.255");
  t.line("!");
  const std::size_t interface_budget = f.target / 2;
  int port = 1;
  int stack = 1;
  while (t.size() < interface_budget || port <= 8) {
    t.line("interface GigabitEthernet", stack, "/0/", port);
    t.line(" description ", description(f, port));
    if (port % 24 == 1) {
      t.line(" switchport trunk allowed vlan ", f.vlans.front(), "-", f.vlans.back());
      t.line(" switchport mode trunk");
      t.line(" channel-group ", port / 24 + 1, " mode active");
    } else {
      t.line(" switchport access vlan ", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()]);
      t.line(" switchport mode access");
      t.line(" switchport voice vlan ", f.vlans[1 % f.vlans.size()]);
      t.line(" authentication port-control auto");
      t.line(" spanning-tree portfast");
      t.line(" spanning-tree bpduguard enable");
    }
    t.line("!");
    if (++port > 48) {
      port = 1;
      ++stack;
    }
  }
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface Vlan", f.vlans[i]);
    t.line(" description ", vlan_name(f, i), " gateway");
    t.line(" ip address 10.", f.site, ".", f.vlans[i], ".1 255.255.255.0");
    t.line(" ip helper-address 10.0.", f.site % 8, ".53");
    t.line(" no ip redirects");
    t.line("!");
  }
  t.line("router ospf 1");
  t.line(" router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" passive-interface default");
  t.line(" no passive-interface GigabitEthernet1/0/1");
  t.line(" network 10.", f.site, ".0.0 0.0.255.255 area 0");
  t.line("!");
  t.line("router bgp ", f.asn);
  t.line(" bgp log-neighbor-changes");
  t.line(" neighbor 10.254.", f.site, ".1 remote-as ", f.peer_asn);
  t.line(" neighbor 10.254.", f.site, ".1 password 7 ", f.bgp_key);
  t.line(" neighbor ", slot_host(f, 4, 253), " remote-as ", f.peer_asn);
  t.line("!");
  t.line("ip forward-protocol nd");
  t.line("no ip http server");
  t.line("no ip http secure-server");
  t.line("ip route 0.0.0.0 0.0.0.0 10.", f.site, ".", f.vlans.front(), ".254");
  t.line("ip route 192.168.", f.slot[4] % 250, ".0 255.255.255.0 10.254.", f.site, ".1");
  t.line("!");
  t.line("ip access-list extended ACL-MGMT");
  t.line(" permit tcp 10.0.0.0 0.255.255.255 any eq 22");
  t.line(" permit tcp host ", slot_host(f, 2, 20), " any eq 22");
  t.line(" deny   ip any any log");
  t.line("ip access-list extended ACL-SNMP");
  t.line(" permit udp 10.0.0.0 0.255.255.255 any eq snmp");
  const std::size_t fill = filler_entries(t.size(), f.target, 1400, 70);
  if (fill > 0) {
    t.line("ip access-list extended ACL-SERVERS-IN");
    for (std::size_t i = 0; i < fill; ++i) {
      const auto h = rng.next();
      t.line(" permit tcp ", ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0),
             " 0.0.0.255 host ",
             ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>((h >> 16) % 250),
                static_cast<std::uint32_t>((h >> 24) % 250 + 1)),
             " eq ", 1024 + (h >> 32) % 60000);
    }
  }
  t.line("!");
  t.line("logging host ", slot_host(f, 5, 30));
  t.line("snmp-server community ", f.snmp_community, " RO ACL-SNMP");
  t.line("snmp-server location ", location(f));
  t.line("snmp-server contact noc@example.net");
  t.line("snmp-server enable traps snmp linkdown linkup");
  t.line("tacacs server TAC-1");
  t.line(" address ipv4 10.0.", f.site % 8, ".49");
  t.line(" key 7 ", f.tacacs_key);
  t.line("!");
  t.line("banner motd ^C");
  t.line("*****************************************************************");
  t.line("* ", f.hostname, ": authorized access only. Activity is logged. *");
  t.line("*****************************************************************");
  t.line("^C");
  t.line("!");
  t.line("line con 0");
  t.line(" exec-timeout 15 0");
  t.line(" logging synchronous");
  t.line("line vty 0 4");
  t.line(" access-class ACL-MGMT in");
  t.line(" exec-timeout 15 0");
  t.line(" transport input ssh");
  t.line("line vty 5 15");
  t.line(" access-class ACL-MGMT in");
  t.line(" transport input ssh");
  t.line("!");
  t.line("ntp clock-period ", 17179000 + static_cast<int>(r.read_nonce % 1900));
  t.line("ntp server 10.0.", f.site % 8, ".123 prefer");
  t.line("ntp server 10.0.", f.site % 8, ".124");
  t.line("!");
  t.line("!");
  t.line("end");
  std::string body = t.take();
  std::string out = "Building configuration...\n\nCurrent configuration : ";
  out.append(std::to_string(body.size())).append(" bytes\n");
  g.body_offset = out.size();
  out.append(body);
  g.output = std::move(out);
  g.secrets = {f.enable_hash, f.admin_hash, f.netops_hash, f.snmp_community, f.tacacs_key, f.bgp_key};
  g.volatile_prefixes = {"! Last configuration change at", "! NVRAM config last updated at", "ntp clock-period"};
  return g;
}

// ---------------------------------------------------------------- Cisco NX-OS
GeneratedConfig render_nxos(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x9e05ULL}));
  t.line("");
  t.line("!Command: show running-config");
  t.line("!Running configuration last done at: ",
         ctime_style(r.now - static_cast<std::time_t>(r.read_nonce % 7000) - 30));
  t.line("!Time: ", ctime_style(r.now));
  t.line("");
  t.line("version 9.3(8) Bios:version 05.45 ");
  t.line("hostname ", f.hostname);
  t.line("vdc ", f.hostname, " id 1");
  t.line("  limit-resource vlan minimum 16 maximum 4094");
  t.line("  limit-resource vrf minimum 2 maximum 4096");
  t.line("");
  for (const char* feature : {"tacacs+", "ospf", "bgp", "interface-vlan", "lacp", "lldp", "vpc"}) {
    t.line("feature ", feature);
  }
  t.line("");
  t.line("username admin password 5 ", f.sha512_admin, "  role network-admin");
  t.line("ip domain-lookup");
  t.line("tacacs-server key 7 \"", f.tacacs_key, "\"");
  t.line("tacacs-server host 10.0.", f.site % 8, ".49 key 7 \"", f.tacacs_key, "\"");
  t.line("aaa group server tacacs+ TACACS ");
  t.line("    server 10.0.", f.site % 8, ".49 ");
  t.line("    use-vrf management");
  t.line("snmp-server user admin network-admin auth md5 ", f.md5_user, " priv ", f.md5_user, " localizedkey");
  t.line("snmp-server location ", location(f));
  t.line("snmp-server community ", f.snmp_community, " group network-operator");
  t.line("ntp server 10.0.", f.site % 8, ".123 use-vrf management");
  t.line("logging server ", slot_host(f, 5, 30), " 6 use-vrf management");
  t.line("");
  t.add("vlan 1");
  for (const int v : f.vlans) {
    t.add(",", v);
  }
  t.line("");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("vlan ", f.vlans[i]);
    t.line("  name ", vlan_name(f, i));
  }
  t.line("");
  t.line("ip access-list ACL-MGMT");
  t.line("  10 permit tcp 10.0.0.0/8 any eq 22 ");
  t.line("  20 permit tcp ", slot_host(f, 2, 20), "/32 any eq 22 ");
  t.line("  30 deny ip any any log ");
  const std::size_t fill = filler_entries(t.size() + f.target / 2, f.target, 1200, 60);
  if (fill > 0) {
    t.line("ip access-list ACL-SERVERS-IN");
    for (std::size_t i = 0; i < fill; ++i) {
      const auto h = rng.next();
      t.line("  ", (i + 1) * 10, " permit tcp ",
             ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0), "/24 ",
             ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>((h >> 16) % 250),
                static_cast<std::uint32_t>((h >> 24) % 250 + 1)),
             "/32 eq ", 1024 + (h >> 32) % 60000, " ");
    }
  }
  t.line("vrf context management");
  t.line("  ip route 0.0.0.0/0 10.", f.site, ".0.1");
  t.line("");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface Vlan", f.vlans[i]);
    t.line("  description ", vlan_name(f, i), " gateway");
    t.line("  no shutdown");
    t.line("  ip address 10.", f.site, ".", f.vlans[i], ".1/24");
    t.line("");
  }
  const std::size_t interface_budget = f.target - 900;
  int port = 1;
  int slot = 1;
  while (t.size() < interface_budget || port <= 8) {
    t.line("interface Ethernet", slot, "/", port);
    t.line("  description ", description(f, port));
    if (port % 16 == 1) {
      t.line("  switchport mode trunk");
      t.line("  switchport trunk allowed vlan ", f.vlans.front(), "-", f.vlans.back());
      t.line("  channel-group ", port / 16 + 1, " mode active");
    } else {
      t.line("  switchport access vlan ", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()]);
      t.line("  spanning-tree port type edge");
    }
    t.line("  no shutdown");
    t.line("");
    if (++port > 48) {
      port = 1;
      ++slot;
    }
  }
  t.line("interface mgmt0");
  t.line("  vrf member management");
  t.line("  ip address 10.", f.site, ".0.", f.mgmt_host, "/24");
  t.line("");
  t.line("interface loopback0");
  t.line("  ip address 10.255.", f.site, ".", f.mgmt_host, "/32");
  t.line("line console");
  t.line("line vty");
  t.line("boot nxos bootflash:/nxos.9.3.8.bin ");
  t.line("router ospf 1");
  t.line("  router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("router bgp ", f.asn);
  t.line("  router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("  neighbor 10.254.", f.site, ".1");
  t.line("    remote-as ", f.peer_asn);
  t.line("    password 3 ", f.bgp_key);
  t.line("    address-family ipv4 unicast");
  t.line("  neighbor ", slot_host(f, 4, 253));
  t.line("    remote-as ", f.peer_asn);
  t.line("");
  t.line("");
  g.output = t.take();
  g.secrets = {f.sha512_admin, f.tacacs_key, f.md5_user, f.snmp_community, f.bgp_key};
  g.volatile_prefixes = {"!Time:", "!Running configuration last done at:"};
  return g;
}

// ---------------------------------------------------------------- Arista EOS
GeneratedConfig render_eos(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xe05ULL}));
  t.line("! Command: show running-config");
  t.line("! device: ", f.hostname, " (DCS-7050SX3-48YC8, EOS-4.28.3M)");
  t.line("!");
  t.line("! boot system flash:/EOS-4.28.3M.swi");
  t.line("!");
  t.line("! Startup-config last modified at ", ctime_style(r.now - static_cast<std::time_t>(r.read_nonce % 9000) - 90),
         " by admin");
  t.line("no aaa root");
  t.line("!");
  t.line("username admin privilege 15 role network-admin secret sha512 ", f.sha512_admin);
  t.line("!");
  t.line("transceiver qsfp default-mode 4x10G");
  t.line("!");
  t.line("service routing protocols model multi-agent");
  t.line("!");
  t.line("hostname ", f.hostname);
  t.line("ip name-server vrf MGMT 10.0.", f.site % 8, ".53");
  t.line("!");
  t.line("ntp server vrf MGMT 10.0.", f.site % 8, ".123 iburst");
  t.line("!");
  t.line("logging host ", slot_host(f, 5, 30));
  t.line("!");
  t.line("snmp-server location ", location(f));
  t.line("snmp-server community ", f.snmp_community, " ro");
  t.line("!");
  t.line("tacacs-server host 10.0.", f.site % 8, ".49 vrf MGMT key 7 ", f.tacacs_key);
  t.line("!");
  t.line("aaa group server tacacs+ TACACS");
  t.line("   server 10.0.", f.site % 8, ".49 vrf MGMT");
  t.line("!");
  t.line("aaa authentication login default group TACACS local");
  t.line("aaa authorization exec default group TACACS local");
  t.line("!");
  t.line("spanning-tree mode mstp");
  t.line("!");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("vlan ", f.vlans[i]);
    t.line("   name ", vlan_name(f, i));
    t.line("!");
  }
  t.line("vrf instance MGMT");
  t.line("!");
  const std::size_t interface_budget = f.target / 2;
  int port = 1;
  while (t.size() < interface_budget || port <= 8) {
    t.line("interface Ethernet", port);
    t.line("   description ", description(f, port));
    if (port % 16 == 1) {
      t.line("   switchport mode trunk");
      t.line("   switchport trunk allowed vlan ", f.vlans.front(), "-", f.vlans.back());
      t.line("   channel-group ", port / 16 + 1, " mode active");
    } else {
      t.line("   switchport access vlan ", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()]);
      t.line("   spanning-tree portfast");
    }
    t.line("!");
    ++port;
  }
  t.line("interface Loopback0");
  t.line("   ip address 10.255.", f.site, ".", f.mgmt_host, "/32");
  t.line("!");
  t.line("interface Management1");
  t.line("   vrf MGMT");
  t.line("   ip address 10.", f.site, ".0.", f.mgmt_host, "/24");
  t.line("!");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface Vlan", f.vlans[i]);
    t.line("   description ", vlan_name(f, i), " gateway");
    t.line("   ip address 10.", f.site, ".", f.vlans[i], ".1/24");
    t.line("!");
  }
  t.line("ip access-list ACL-MGMT");
  t.line("   10 permit tcp 10.0.0.0/8 any eq ssh");
  t.line("   20 permit tcp host ", slot_host(f, 2, 20), " any eq ssh");
  t.line("   30 deny ip any any log");
  t.line("!");
  const std::size_t fill = filler_entries(t.size(), f.target, 800, 64);
  if (fill > 0) {
    t.line("ip access-list ACL-SERVERS-IN");
    for (std::size_t i = 0; i < fill; ++i) {
      const auto h = rng.next();
      t.line("   ", (i + 1) * 10, " permit tcp ",
             ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0), "/24 host ",
             ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>((h >> 16) % 250),
                static_cast<std::uint32_t>((h >> 24) % 250 + 1)),
             " eq ", 1024 + (h >> 32) % 60000);
    }
    t.line("!");
  }
  t.line("ip routing");
  t.line("no ip routing vrf MGMT");
  t.line("!");
  t.line("ip route vrf MGMT 0.0.0.0/0 10.", f.site, ".0.1");
  t.line("ip route 192.168.", f.slot[4] % 250, ".0/24 10.254.", f.site, ".1");
  t.line("!");
  t.line("router bgp ", f.asn);
  t.line("   router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("   neighbor 10.254.", f.site, ".1 remote-as ", f.peer_asn);
  t.line("   neighbor 10.254.", f.site, ".1 password 7 ", f.bgp_key);
  t.line("   neighbor ", slot_host(f, 4, 253), " remote-as ", f.peer_asn);
  t.line("!");
  t.line("router ospf 1");
  t.line("   router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("   passive-interface default");
  t.line("   network 10.", f.site, ".0.0/16 area 0.0.0.0");
  t.line("!");
  t.line("management api http-commands");
  t.line("   no shutdown");
  t.line("   vrf MGMT");
  t.line("      no shutdown");
  t.line("!");
  t.line("banner motd");
  t.line(f.hostname, ": authorized access only. Activity is logged.");
  t.line("EOF");
  t.line("!");
  t.line("end");
  g.output = t.take();
  g.secrets = {f.sha512_admin, f.snmp_community, f.tacacs_key, f.bgp_key};
  g.volatile_prefixes = {"! Startup-config last modified at"};
  return g;
}

// ---------------------------------------------------------------- Juniper Junos
GeneratedConfig render_junos(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x1e05ULL}));
  const std::string root_hash = "$6$" + Rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x4007ULL})).crypt_chars(94);
  const std::string tacplus = "$9$" + rng.crypt_chars(28);
  const std::string bgp = "$9$" + rng.crypt_chars(22);
  t.line("## Last commit: ", iso_time(f.commit_time), " by admin");
  t.line("version 21.4R3-S3.4;");
  t.line("system {");
  t.line("    host-name ", f.hostname, ";");
  t.line("    root-authentication {");
  t.line("        encrypted-password \"", root_hash, "\"; ## SECRET-DATA");
  t.line("    }");
  t.line("    login {");
  t.line("        user netops {");
  t.line("            uid 2001;");
  t.line("            class super-user;");
  t.line("            authentication {");
  t.line("                encrypted-password \"", f.sha512_admin, "\"; ## SECRET-DATA");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("    services {");
  t.line("        ssh {");
  t.line("            root-login deny;");
  t.line("        }");
  t.line("        netconf {");
  t.line("            ssh;");
  t.line("        }");
  t.line("    }");
  t.line("    syslog {");
  t.line("        host ", slot_host(f, 5, 30), " {");
  t.line("            any notice;");
  t.line("        }");
  t.line("        file messages {");
  t.line("            any notice;");
  t.line("            authorization info;");
  t.line("        }");
  t.line("    }");
  t.line("    ntp {");
  t.line("        server 10.0.", f.site % 8, ".123;");
  t.line("    }");
  t.line("    tacplus-server {");
  t.line("        10.0.", f.site % 8, ".49 {");
  t.line("            secret \"", tacplus, "\"; ## SECRET-DATA");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("interfaces {");
  const std::size_t interface_budget = f.target / 2;
  int port = 0;
  while (t.size() < interface_budget || port < 8) {
    t.line("    ge-0/0/", port, " {");
    t.line("        description \"", description(f, port + 1), "\";");
    t.line("        unit 0 {");
    t.line("            family ethernet-switching {");
    if (port % 16 == 0) {
      t.line("                interface-mode trunk;");
      t.line("                vlan {");
      t.line("                    members all;");
    } else {
      t.line("                interface-mode access;");
      t.line("                vlan {");
      t.line("                    members v", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()], ";");
    }
    t.line("                }");
    t.line("            }");
    t.line("        }");
    t.line("    }");
    ++port;
  }
  t.line("    irb {");
  for (const int v : f.vlans) {
    t.line("        unit ", v, " {");
    t.line("            family inet {");
    t.line("                address 10.", f.site, ".", v, ".1/24;");
    t.line("            }");
    t.line("        }");
  }
  t.line("    }");
  t.line("    lo0 {");
  t.line("        unit 0 {");
  t.line("            family inet {");
  t.line("                address 10.255.", f.site, ".", f.mgmt_host, "/32;");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("snmp {");
  t.line("    location \"", location(f), "\";");
  t.line("    community ", f.snmp_community, " {");
  t.line("        authorization read-only;");
  t.line("    }");
  t.line("}");
  t.line("routing-options {");
  t.line("    router-id 10.255.", f.site, ".", f.mgmt_host, ";");
  t.line("    autonomous-system ", f.asn, ";");
  t.line("    static {");
  t.line("        route 0.0.0.0/0 next-hop 10.", f.site, ".0.1;");
  t.line("        route 192.168.", f.slot[4] % 250, ".0/24 next-hop 10.254.", f.site, ".1;");
  t.line("    }");
  t.line("}");
  t.line("protocols {");
  t.line("    ospf {");
  t.line("        area 0.0.0.0 {");
  t.line("            interface lo0.0 {");
  t.line("                passive;");
  t.line("            }");
  t.line("            interface ge-0/0/0.0;");
  t.line("        }");
  t.line("    }");
  t.line("    bgp {");
  t.line("        group EBGP {");
  t.line("            type external;");
  t.line("            authentication-key \"", bgp, "\"; ## SECRET-DATA");
  t.line("            peer-as ", f.peer_asn, ";");
  t.line("            neighbor 10.254.", f.site, ".1;");
  t.line("            neighbor ", slot_host(f, 4, 253), ";");
  t.line("        }");
  t.line("    }");
  t.line("    lldp {");
  t.line("        interface all;");
  t.line("    }");
  t.line("}");
  t.line("policy-options {");
  t.line("    prefix-list MGMT {");
  t.line("        10.0.0.0/8;");
  t.line("        ", slot_host(f, 2, 20), "/32;");
  t.line("    }");
  t.line("}");
  t.line("firewall {");
  t.line("    family inet {");
  t.line("        filter PROTECT-RE {");
  t.line("            term ALLOW-SSH {");
  t.line("                from {");
  t.line("                    source-prefix-list {");
  t.line("                        MGMT;");
  t.line("                    }");
  t.line("                    protocol tcp;");
  t.line("                    destination-port ssh;");
  t.line("                }");
  t.line("                then accept;");
  t.line("            }");
  const std::size_t fill = filler_entries(t.size(), f.target, 700, 250);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("            term SRV-", i + 1, " {");
    t.line("                from {");
    t.line("                    source-address {");
    t.line("                        ",
           ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0), "/24;");
    t.line("                    }");
    t.line("                    destination-port ", 1024 + (h >> 32) % 60000, ";");
    t.line("                }");
    t.line("                then accept;");
    t.line("            }");
  }
  t.line("            term DENY {");
  t.line("                then {");
  t.line("                    syslog;");
  t.line("                    discard;");
  t.line("                }");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("vlans {");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("    v", f.vlans[i], " {");
    t.line("        description \"", vlan_name(f, i), "\";");
    t.line("        vlan-id ", f.vlans[i], ";");
    t.line("        l3-interface irb.", f.vlans[i], ";");
    t.line("    }");
  }
  t.line("}");
  g.output = t.take();
  g.secrets = {root_hash, f.sha512_admin, tacplus, bgp, f.snmp_community};
  return g;
}

// ---------------------------------------------------------------- generic (Linux-like)
GeneratedConfig render_generic(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(4096);
  t.line("# ", f.hostname, " configuration, version ", r.version);
  t.line("hostname=", f.hostname);
  t.line("snmp_community=", f.snmp_community);
  t.line("ntp_server=10.0.", f.site % 8, ".123");
  t.line("syslog_server=", slot_host(f, 5, 30));
  t.line("location=", location(f));
  g.output = t.take();
  g.secrets = {f.snmp_community};
  return g;
}

}  // namespace

std::size_t target_config_size(std::uint64_t seed, std::int64_t id) {
  Rng rng(mix({seed, static_cast<std::uint64_t>(id), 0x517eULL}));
  const double u = rng.uniform();
  if (u < 0.05) {
    return static_cast<std::size_t>(rng.range(3000, 10000));
  }
  if (u < 0.90) {
    return static_cast<std::size_t>(rng.range(20000, 60000));
  }
  return static_cast<std::size_t>(rng.range(100000, 400000));
}

GeneratedConfig generate_config(const ConfigRequest& request) {
  const Facts facts = make_facts(request);
  switch (request.platform) {
    case Platform::cisco_ios:
      return render_ios(request, facts);
    case Platform::cisco_nxos:
      return render_nxos(request, facts);
    case Platform::arista_eos:
      return render_eos(request, facts);
    case Platform::juniper_junos:
      return render_junos(request, facts);
    case Platform::generic:
      break;
  }
  return render_generic(request, facts);
}

std::string show_config_command(Platform platform) {
  switch (platform) {
    case Platform::cisco_ios:
    case Platform::cisco_nxos:
    case Platform::arista_eos:
      return "show running-config";
    case Platform::juniper_junos:
      return "show configuration";
    case Platform::generic:
      break;
  }
  return "cat /etc/config";
}

}  // namespace nbsync::lab
