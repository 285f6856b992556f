// Arista EOS: "name>" until enable (no secret) gives "name#"; the config only from "#"
// ("% Invalid input (privileged mode required)"); " --More-- " erased by backspaces; runs
// exec requests.
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
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xe05ULL}));
  t.line("! Command: show running-config");
  t.line("! device: ", f.hostname, " (DCS-7050SX3-48YC8, EOS-4.28.3M)");
  t.line("!");
  t.line("! boot system flash:/EOS-4.28.3M.swi");
  t.line("!");
  t.volatile_line("! Startup-config last modified at ",
                  ctime_style(r.now - static_cast<std::time_t>(r.read_nonce % 9000) - 90), " by admin");
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

class AristaEos final : public PlatformSim {
public:
  bool starts_privileged() const override { return false; }
  std::string prompt(const std::string& host, const std::string&, bool privileged) const override {
    return host + (privileged ? "#" : ">");
  }
  std::string banner(const std::string& host) const override {
    return "Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n" + host +
           ": authorized access only. Activity is logged.\n";
  }
  bool runs_exec() const override { return true; }
  std::string more_prompt(std::size_t) const override { return " --More-- "; }
  std::string erase_more(const std::string& prompt) const override { return erase_by_backspaces(prompt); }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string&, const std::string& uptime) const override {
    std::string v = "Arista DCS-7050SX3-48YC8\nHardware version: 11.01\nSoftware image version: 4.28.3M\n";
    v.append("Uptime: ").append(uptime).append("\nTotal memory: 8099732 kB\nFree memory: ");
    v.append(std::to_string(5436316 - static_cast<long>(std::time(nullptr) % 50000))).append(" kB\n\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    int n = 0;
    if (is(w0, "enable", 2)) {
      shell.set_privileged(true);
      shell.done();
    } else if (is(w0, "disable", 4)) {
      shell.set_privileged(false);
      shell.done();
    } else if (is(w0, "exit", 3) || is(w0, "logout", 4) || is(w0, "quit", 4)) {
      shell.close_session();
    } else if (is(w0, "terminal", 3) && (is(arg(1), "length", 3) || is(arg(1), "width", 1))) {
      if (command.size() < 3) {
        shell.print("% Incomplete command\n");
        shell.done();
      } else if (!parse_count(arg(2), n) || n > 32767) {
        shell.fail("% Invalid input\n");
      } else {
        if (is(arg(1), "length", 3)) {
          shell.set_terminal_length(n);
          shell.print(n == 0 ? "Pagination disabled.\n" : "Pagination enabled.\n");
        }
        shell.done();
      }
    } else if (is(w0, "show", 2) && is(arg(1), "running-config", 3)) {
      if (shell.privileged()) {
        shell.show_config(command.no_more);
      } else {
        shell.fail("% Invalid input (privileged mode required)\n");
      }
    } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else if ((is(w0, "show", 2) || is(w0, "terminal", 3)) && command.size() < 2) {
      shell.fail("% Incomplete command\n");
    } else {
      shell.fail("% Invalid input\n");
    }
  }
};

}  // namespace

const PlatformSim& arista_eos() {
  static const AristaEos platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
