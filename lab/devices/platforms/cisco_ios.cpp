// Cisco IOS / IOS-XE: "name>" until enable (with the secret) gives "name#"; the config
// only from "#"; pages with " --More-- " erased by backspaces; runs exec requests.
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
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x105ULL}));
  const auto volatile_change = r.now - static_cast<std::time_t>(r.read_nonce % 5000) - 60;
  t.line("!");
  t.volatile_line("! Last configuration change at ", ios_time(volatile_change), " by admin");
  t.volatile_line("! NVRAM config last updated at ",
                  ios_time(volatile_change - static_cast<std::time_t>(r.read_nonce % 977)), " by admin");
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

class CiscoIos final : public PlatformSim {
public:
  bool starts_privileged() const override { return false; }
  std::string prompt(const std::string& host, const std::string&, bool privileged) const override {
    return host + (privileged ? "#" : ">");
  }
  std::string banner(const std::string& host) const override {
    return "\n*****************************************************************\n* " + host +
           ": authorized access only. Activity is logged. "
           "*\n*****************************************************************\n\n";
  }
  bool runs_exec() const override { return true; }
  std::string more_prompt(std::size_t) const override { return " --More-- "; }
  std::string erase_more(const std::string& prompt) const override { return erase_by_backspaces(prompt); }
  bool newline_after_pager_quit() const override { return false; }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string_view after_config() const override { return "\n"; }

  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v =
        "Cisco IOS Software, C3850 Software (CAT3K_CAA-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)\n"
        "Technical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2021 by Cisco Systems, Inc.\n\n"
        "ROM: Bootstrap program is C3850 boot loader\n";
    v.append(host).append(" uptime is ").append(uptime).append("\n");
    v.append(
        "System returned to ROM by power-on\nSystem image file is \"flash:cat3k_caa-universalk9.152-7.E4.bin\"\n\n"
        "cisco WS-C3850-48P (MIPS) processor with 4194304K bytes of physical memory.\n"
        "Configuration register is 0x102\n\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    if (enable_with_secret(shell, w0)) {
      return;
    } else if (is(w0, "exit", 3) || is(w0, "logout", 4) || is(w0, "quit", 4)) {
      shell.close_session();
    } else if (is(w0, "terminal", 3)) {
      terminal(shell, command);
    } else if (is(w0, "show", 2)) {
      if (command.size() < 2) {
        shell.print("% Type \"show ?\" for a list of subcommands\n");
        shell.done();
      } else if (is(arg(1), "running-config", 3) && shell.privileged()) {
        shell.show_config(command.no_more);
      } else if (is(arg(1), "version", 3)) {
        shell.show_version();
      } else if (is(arg(1), "clock", 3)) {
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        char buf[64];
        std::strftime(buf, sizeof buf, "*%H:%M:%S.000 UTC %a %b %d %Y\n", &tm);
        shell.print(buf);
        shell.done();
      } else {
        shell.invalid_at(command, 1, "% Invalid input detected at '^' marker.");
      }
    } else if (command.size() == 1) {
      shell.fail("% Unknown command or computer name, or unable to find computer address\n");
    } else {
      shell.invalid_at(command, 0, "% Invalid input detected at '^' marker.");
    }
  }

private:
  static void terminal(DeviceShell& shell, const CommandLine& command) {
    int n = 0;
    if (command.size() < 2) {
      shell.print("% Incomplete command.\n\n");
      shell.done();
    } else if (is(command.arg(1), "length", 3) || is(command.arg(1), "width", 1)) {
      if (command.size() < 3) {
        shell.print("% Incomplete command.\n\n");
        shell.done();
      } else if (!parse_count(command.arg(2), n) || n > 512) {
        shell.invalid_at(command, 2, "% Invalid input detected at '^' marker.");
      } else {
        if (is(command.arg(1), "length", 3)) {
          shell.set_terminal_length(n);
        }
        shell.done();
      }
    } else if (is(command.arg(1), "monitor", 3) || is(command.arg(1), "no", 2)) {
      shell.done();
    } else {
      shell.invalid_at(command, 1, "% Invalid input detected at '^' marker.");
    }
  }
};

}  // namespace

const PlatformSim& cisco_ios() {
  static const CiscoIos platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
