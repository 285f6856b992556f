// HPE Aruba AOS-CX (10.13, a 6300M switch). After SSH login: "Last login: ...", "User
// "netops" has logged in N times in the past 30 days", then "name# " (an administrator starts
// in the manager context; "disable" gives the operator context "name> ", "enable" goes back);
// paging off with "no page" (manager context only); "-- MORE --, next page: Space, next line:
// Enter, quit: q" erased by "\r", blanks, "\r"; an unknown word gets "Invalid input: WORD",
// a command cut short "% Command incomplete."; no SSH exec. "show running-config" (manager
// context only) starts "Current configuration:", "!", "!Version ArubaOS-CX ...",
// "!export-password: default" and has no end marker; secrets are "ciphertext AQBa..."
// (users, TACACS key, SNMPv3 auth-pass and priv-pass on one line, OSPF keys) and the SNMP
// community in the clear. No line changes between reads. Sources: HPE's AOS-CX 10.x CLI
// guides ("page", "show running-config", authority levels), Netmiko 4 aruba_aoscx.py ("no
// page", prompt [>#]), Oxidized aoscx.rb ("no page", "name# " prompt, the secrets it hides),
// NOC's HP.Aruba profile (the pager prompt and its "\r +\r" erase, "% Command incomplete.").
// "Invalid input: WORD" is what nbsync's profile expected; no source read confirms it.
#include <algorithm>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

// "AQBa...": how AOS-CX shows an encrypted secret (base64).
std::string ciphertext(Rng& rng) {
  static constexpr char k_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s = "AQBa";
  for (int i = 0; i < 120; ++i) {
    s.push_back(k_chars[rng.below(sizeof(k_chars) - 1)]);
  }
  return s + "==";
}

struct Secrets {
  std::string admin, netops, tacacs, auth_pass, priv_pass, ospf, community;
};

Secrets draw_secrets(const ConfigRequest& r) {
  Rng rng(secret_stream(r, 0xa05cULL));
  Secrets s;
  s.admin = ciphertext(rng);
  s.netops = ciphertext(rng);
  s.tacacs = ciphertext(rng);
  s.auth_pass = ciphertext(rng);
  s.priv_pass = ciphertext(rng);
  s.ospf = ciphertext(rng);
  s.community = "snmp-" + rng.word(12);
  return s;
}

void render_system(Text& t, const Facts& f, const Secrets& s) {
  t.line("hostname ", f.hostname);
  t.line("user admin group administrators password ciphertext ", s.admin);
  t.line("user netops group administrators password ciphertext ", s.netops);
  t.line("clock timezone utc");
  t.line("ntp server 10.0.", f.site % 8, ".123 iburst");
  t.line("ntp enable");
  t.line("!");
  t.line("ssh server vrf mgmt");
  t.line("tacacs-server host 10.0.1.49 key ciphertext ", s.tacacs);
  t.line("!");
  t.line("aaa group server tacacs TACACS");
  t.line("    server 10.0.1.49");
  t.line("aaa authentication login ssh group TACACS local");
  t.line("logging ", slot_host(f, 5, 30), " vrf mgmt");
  t.line("snmp-server vrf mgmt");
  t.line("snmp-server system-location ", location(f));
  t.line("snmp-server system-contact noc@corp.example.net");
  t.line("snmp-server community ", s.community);
  t.line("snmp-server host ", slot_host(f, 5, 30), " trap version v2c community ", s.community);
  t.line("snmpv3 user monitor auth sha auth-pass ciphertext ", s.auth_pass, " priv aes priv-pass ciphertext ",
         s.priv_pass);
  t.line("!");
}

void render_interfaces(Text& t, const Facts& f, const Secrets& s) {
  t.line("interface mgmt");
  t.line("    no shutdown");
  t.line("    ip static 10.255.", f.site, ".", f.mgmt_host, "/24");
  // Small configs list fewer ports (a real small config is a small switch).
  const int ports = std::min(f.access_ports, static_cast<int>(f.target / 1500) + 1);
  for (int port = 1; port <= ports; ++port) {
    t.line("interface 1/1/", port);
    t.line("    no shutdown");
    t.line("    description ", description(f, port));
    t.line("    no routing");
    t.line("    vlan access ", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()]);
  }
  t.line("interface 1/1/52");
  t.line("    no shutdown");
  t.line("    description uplink to ", slot_host(f, 4, 254));
  t.line("    no routing");
  t.line("    vlan trunk native 1");
  t.line("    vlan trunk allowed all");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface vlan ", f.vlans[i]);
    t.line("    ip address 10.", f.site, ".", f.vlans[i], ".1/24");
    t.line("    ip ospf 1 area 0.0.0.0");
    if (i == 0) {
      t.line("    ip ospf authentication message-digest");
      t.line("    ip ospf message-digest-key 1 md5 ciphertext ", s.ospf);
    }
  }
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xa0cULL}));
  const Secrets s = draw_secrets(r);
  t.line("Current configuration:");
  t.line("!");
  t.line("!Version ArubaOS-CX FL.10.13.1000");
  t.line("!export-password: default");
  render_system(t, f, s);
  t.line("vlan 1");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("vlan ", f.vlans[i]);
    t.line("    name ", vlan_name(f, i));
  }
  t.line("spanning-tree");
  render_interfaces(t, f, s);
  t.line("!");
  t.line("access-list ip MGMT");
  t.line("    10 permit tcp 10.0.0.0/255.0.0.0 any eq 22");
  t.line("    20 permit tcp ", slot_host(f, 2, 20), " any eq 22");
  t.line("access-list ip SERVERS");
  const std::size_t fill = filler_entries(t.size(), f.target, 400, 72);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("    ", (i + 1) * 10, " permit tcp ",
           ip(198, 51, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250)), " 10.", f.site,
           ".", (h >> 16) % 250, ".0/255.255.255.0 eq ", 1024 + (h >> 32) % 60000);
  }
  t.line("    ", (fill + 1) * 10, " deny any any any log");
  t.line("!");
  t.line("router ospf 1");
  t.line("    router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("    area 0.0.0.0");
  t.line("ip route 0.0.0.0/0 10.", f.site, ".0.254");
  t.line("ip route 192.168.", f.slot[4] % 250, ".0/24 10.", f.site, ".0.253");
  t.line("!");
  t.line("https-server vrf mgmt");
  g.output = t.take();
  g.secrets = {s.admin, s.netops, s.tacacs, s.auth_pass, s.priv_pass, s.ospf, s.community};
  return g;
}

constexpr std::string_view k_incomplete = "% Command incomplete.\n";

// "Invalid input: WORD", with word `i` of the command as it was typed.
std::string invalid_input(const CommandLine& command, std::size_t i) {
  const auto& [column, word] = command.tokens[std::min(i, command.tokens.size() - 1)];
  return "Invalid input: " + command.text.substr(column, word.size()) + "\n";
}

class ArubaAoscx final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string&, bool privileged) const override {
    return host + (privileged ? "# " : "> ");
  }
  std::string banner(const std::string&) const override {
    return "Last login: 2026-11-23 21:14:02 from 10.0.0.10\nUser \"netops\" has logged in 73 times in the past "
           "30 days\n";
  }
  std::string more_prompt(std::size_t) const override {
    return "-- MORE --, next page: Space, next line: Enter, quit: q";
  }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string&, const std::string& uptime) const override {
    std::string v = "-----------------------------------------------------------------------------\n";
    v.append("ArubaOS-CX\n(c) Copyright 2017-2026 Hewlett Packard Enterprise Development LP\n");
    v.append("-----------------------------------------------------------------------------\n");
    v.append("Version      : FL.10.13.1000\nBuild Date   : 2026-01-15 10:22:41 UTC\n");
    v.append("Service OS Version : FL.01.14.0002\nBIOS Version       : FL.01.0002\n");
    v.append("Up Time      : ").append(uptime).append("\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    const bool manager = shell.privileged();
    if (is(w0, "exit", 2)) {
      shell.close_session();
    } else if (is(w0, "enable", 2) || is(w0, "disable", 3)) {
      shell.set_privileged(is(w0, "enable", 2));
      shell.done();
    } else if (manager && w0 == "no" && is(arg(1), "page", 4)) {
      shell.set_terminal_length(0);
      shell.done();
    } else if (manager && is(w0, "page", 4)) {
      page(shell, command);
    } else if (is(w0, "show", 2) && command.size() == 1) {
      shell.fail(k_incomplete);
    } else if (manager && is(w0, "show", 2) && is(arg(1), "running-config", 3)) {
      shell.show_config(false);
    } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else {
      // The first word the context does not have: "show running-config", "no page" and
      // "page" are not in the operator context at all.
      const std::size_t bad = is(w0, "show", 2) || (w0 == "no" && command.size() > 1) ? 1 : 0;
      shell.fail(invalid_input(command, bad));
    }
  }

private:
  // "page [2-1000]": this session only.
  static void page(DeviceShell& shell, const CommandLine& command) {
    int n = 0;
    if (command.size() == 1) {
      shell.set_terminal_length(-1);
      shell.done();
    } else if (!parse_count(command.arg(1), n) || n < 2 || n > 1000) {
      shell.fail(invalid_input(command, 1));
    } else {
      shell.set_terminal_length(n);
      shell.done();
    }
  }
};

}  // namespace

const PlatformSim& aruba_aoscx() {
  static const ArubaAoscx platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
