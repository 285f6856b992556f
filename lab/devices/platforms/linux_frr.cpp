// A Debian 12 host routing with FRR 8.4 (NetBox platform "linux"). After SSH login: the
// Debian motd, then bash's "user@name:~$ "; no pager, no enable. The backup user is in the
// frrvty group (FRR's documented way to give vtysh to a non-root user), so "vtysh -c 'show
// running-config'" prints the running config ("Building configuration..." ... "end"), in a
// shell or as an SSH exec request; /etc/frr/frr.conf is frr:frr 0640, so "cat" of it is
// refused ("Permission denied"); unknown commands get bash's "command not found" (127).
// FRR prints keys in clear text (BGP neighbor password, OSPF md5 keys, key-string).
// Sources: FRR vtysh.c (vtysh_write_terminal), FRR docs (vtysh permissions), the
// /etc/frr/daemons comments, Netmiko linux_ssh.py.
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

void interface(Text& t, const std::string& name, const std::string& description, const std::string& address) {
  t.line("interface ", name);
  t.line(" description ", description);
  t.line(" ip address ", address);
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xf22ULL}));
  Rng secrets(secret_stream(r, 0xf22fULL));
  const std::string ospf_key = secrets.word(14);
  const std::string chain_key = secrets.word(18);
  const std::string ibgp_key = secrets.word(16);
  const std::string ibgp_peer = slot_host(f, 2, 20);
  const auto site = static_cast<std::uint32_t>(f.site);
  t.line("Building configuration...");
  t.line("");
  t.line("Current configuration:");
  t.line("!");
  t.line("frr version 8.4.4");
  t.line("frr defaults traditional");
  t.line("hostname ", f.hostname);
  t.line("log syslog informational");
  t.line("no ipv6 forwarding");
  t.line("service integrated-vtysh-config");
  t.line("!");
  t.line("ip route 0.0.0.0/0 203.0.113.1");
  t.line("ip route 192.168.", f.slot[4] % 250, ".0/24 10.", f.site, ".0.254");
  t.line("ip route 10.250.0.0/16 ", slot_host(f, 5, 30));
  t.line("!");
  t.line("key chain RIP-AUTH");
  t.line(" key 1");
  t.line("  key-string ", chain_key);
  t.line(" exit");
  t.line("exit");
  t.line("!");
  interface(t, "eth0", description(f, 1), ip(203, 0, 113, static_cast<std::uint32_t>(f.mgmt_host)) + "/24");
  t.line(" ip ospf authentication message-digest");
  t.line(" ip ospf message-digest-key 1 md5 ", ospf_key);
  t.line("exit");
  t.line("!");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    const auto vlan = static_cast<std::uint32_t>(f.vlans[i]);
    interface(t, "eth1." + std::to_string(vlan), vlan_name(f, i), ip(10, site, vlan, 1) + "/24");
    t.line("exit");
    t.line("!");
  }
  t.line("router bgp ", f.asn);
  t.line(" bgp router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" no bgp ebgp-requires-policy");
  t.line(" neighbor 203.0.113.1 remote-as ", f.peer_asn);
  t.line(" neighbor 203.0.113.1 description ", description(f, 2));
  t.line(" neighbor 203.0.113.1 password ", f.bgp_key);
  t.line(" neighbor ", ibgp_peer, " remote-as internal");
  t.line(" neighbor ", ibgp_peer, " password ", ibgp_key);
  t.line(" neighbor ", ibgp_peer, " update-source lo");
  t.line(" !");
  t.line(" address-family ipv4 unicast");
  t.line("  network 10.", f.site, ".0.0/16");
  t.line("  neighbor 203.0.113.1 prefix-list PL-CUSTOMERS out");
  t.line(" exit-address-family");
  t.line("exit");
  t.line("!");
  t.line("router ospf");
  t.line(" ospf router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" network 10.", f.site, ".0.0/16 area 0");
  t.line(" area 0 authentication message-digest");
  t.line("exit");
  t.line("!");
  const std::size_t fill = filler_entries(t.size(), f.target, 200, 58);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("ip prefix-list PL-CUSTOMERS seq ", (i + 1) * 5, " permit ",
           ip(198, 18 + static_cast<std::uint32_t>(h % 2), static_cast<std::uint32_t>((h >> 8) % 256), 0), "/24 le 28");
  }
  t.line("ip prefix-list PL-CUSTOMERS seq ", (fill + 1) * 5, " deny any");
  t.line("!");
  t.line("route-map RM-SYSLOG permit 10");
  t.line(" description ", location(f));
  t.line("exit");
  t.line("!");
  t.line("line vty");
  t.line("!");
  t.line("end");
  g.output = t.take();
  g.body_offset = g.output.find("frr version");
  g.secrets = {f.bgp_key, ibgp_key, ospf_key, chain_key};
  return g;
}

constexpr std::string_view k_vtysh_show_run[] = {"vtysh -c 'show running-config'", "vtysh -c \"show running-config\"",
                                                 "vtysh -c 'show run'", "vtysh -c \"show run\""};

bool is_vtysh_show_run(const std::string& raw) {
  for (const auto form : k_vtysh_show_run) {
    if (raw == form) {
      return true;
    }
  }
  return false;
}

// What follows "-c" without its quotes ("vtysh -c 'show foo'" -> "show foo").
std::string quoted_argument(const std::string& raw) {
  const auto open = raw.find_first_of("'\"");
  if (open == std::string::npos) {
    return raw.substr(raw.find(' ') == std::string::npos ? raw.size() : raw.find(' ') + 1);
  }
  const auto close = raw.find(raw[open], open + 1);
  return raw.substr(open + 1, (close == std::string::npos ? raw.size() : close) - open - 1);
}

class LinuxFrr final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string& user, bool) const override {
    return user + "@" + host + ":~$ ";
  }
  std::string banner(const std::string& host) const override {
    return "Linux " + host +
           " 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 (2024-09-30) x86_64\n\n"
           "The programs included with the Debian GNU/Linux system are free software;\n"
           "the exact distribution terms for each program are described in the\n"
           "individual files in /usr/share/doc/*/copyright.\n\n"
           "Debian GNU/Linux comes with ABSOLUTELY NO WARRANTY, to the extent\n"
           "permitted by applicable law.\n"
           "Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n";
  }
  bool runs_exec() const override { return true; }
  std::string config_command() const override { return "vtysh -c 'show running-config'"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string& host, const std::string&) const override {
    return "FRRouting 8.4.4 (" + host + ") on Linux(6.1.0-26-amd64).\nCopyright 1996-2005 Kunihiro Ishiguro, et al.\n";
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    if (w0 == "exit" || w0 == "logout") {
      shell.print("logout\n");
      shell.close_session();
    } else if (is_vtysh_show_run(command.raw)) {
      shell.show_config(true);
    } else if (w0 == "vtysh" &&
               (command.raw == "vtysh -c 'show version'" || command.raw == "vtysh -c \"show version\"")) {
      shell.show_version();
    } else if (w0 == "vtysh") {
      shell.fail("% Unknown command: " + quoted_argument(command.raw) + "\n", 1);
    } else if (w0 == "cat" && command.arg(1) == "/etc/frr/frr.conf") {
      shell.fail("cat: /etc/frr/frr.conf: Permission denied\n", 1);
    } else if (w0 == "uname") {
      shell.print("Linux " + shell.options().hostname + " 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 " +
                  "(2024-09-30) x86_64 GNU/Linux\n");
      shell.done();
    } else {
      // bash as a login shell names itself "-bash"; running a command for an exec request,
      // "bash: line 1:".
      shell.fail((shell.exec() ? "bash: line 1: " : "-bash: ") + w0 + ": command not found\n", 127);
    }
  }
};

}  // namespace

const PlatformSim& linux_frr() {
  static const LinuxFrr platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
