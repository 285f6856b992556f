// Cisco NX-OS: logs in at "name# " (privileged); pages with "--More--" erased by "\r",
// spaces, "\r"; the config has no end marker; refuses exec requests.
#include <ctime>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x9e05ULL}));
  t.line("");
  t.line("!Command: show running-config");
  t.volatile_line("!Running configuration last done at: ",
                  ctime_style(r.now - static_cast<std::time_t>(r.read_nonce % 7000) - 30));
  t.volatile_line("!Time: ", ctime_style(r.now));
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

class CiscoNxos final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string&, bool) const override { return host + "# "; }
  std::string banner(const std::string&) const override {
    return "Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\n"
           "Copyright (C) 2002-2023, Cisco and/or its affiliates.\nAll rights reserved.\n"
           "The copyrights to certain works contained in this software are\nowned by other third parties and used and "
           "distributed under their own\nlicenses, such as open source.\n";
  }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v =
        "Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\n\nSoftware\n"
        "  BIOS: version 05.45\n  NXOS: version 9.3(8)\n\nHardware\n  cisco Nexus9000 C93180YC-EX chassis\n\n";
    v.append("  Device name: ").append(host).append("\n\nKernel uptime is ").append(uptime).append("\n\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    int n = 0;
    if (is(w0, "exit", 3) || is(w0, "quit", 4)) {
      shell.close_session();
    } else if (is(w0, "terminal", 3) && (is(arg(1), "length", 3) || is(arg(1), "width", 1))) {
      if (command.size() < 3) {
        shell.print("% Incomplete command at '^' marker.\n");
        shell.done();
      } else if (!parse_count(arg(2), n) || n > 511) {
        shell.invalid_at(command, 2, "% Invalid command at '^' marker.");
      } else {
        if (is(arg(1), "length", 3)) {
          shell.set_terminal_length(n);
        }
        shell.done();
      }
    } else if (is(w0, "show", 2) && is(arg(1), "running-config", 3)) {
      shell.show_config(command.no_more);
    } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else if (is(w0, "show", 2) || is(w0, "terminal", 3)) {
      shell.invalid_at(command, 1, "% Invalid command at '^' marker.");
    } else {
      shell.invalid_at(command, 0, "% Invalid command at '^' marker.");
    }
  }
};

}  // namespace

const PlatformSim& cisco_nxos() {
  static const CiscoNxos platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
