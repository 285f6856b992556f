// Huawei VRP (V200R019, S-series campus switch). After SSH login: the "Info: The max number
// of VTY users ..." notice and "<name>" (user view; no enable: the AAA user's level decides,
// the lab's user is level 15); paging off with "screen-length 0 temporary" (it answers
// "Info: The configuration takes effect on the current user terminal interface only.");
// "  ---- More ----" erased by ESC[42D, 42 blanks, ESC[42D; a refused command gets a caret
// and "Error: Unrecognized command found at '^' position." (also "display
// current-configuration" below level 3: the keyword is hidden); no SSH exec. The config
// starts "!Software Version", "!Last configuration was updated at" (moves with a change) and
// "!Last configuration was saved at" (moves whenever someone saves: volatile), "#"
// separators, secrets as "cipher %^%#...%^%#" / "irreversible-cipher $1a$...$", ends
// "return". Sources: Netmiko huawei.py (prompt <name>/[name], "screen-length 0 temporary",
// no enable), Oxidized vrp.rb (%^%#...%^%# secrets, "quit"), VRP captures of the pager.
#include <algorithm>
#include <ctime>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

constexpr std::string_view k_unrecognized = "Error: Unrecognized command found at '^' position.";
constexpr std::string_view k_wrong_parameter = "Error: Wrong parameter found at '^' position.";
constexpr std::string_view k_incomplete = "Error: Incomplete command found at '^' position.";

// Printable characters of VRP's reversible ciphertext (no blank, no '%').
std::string cipher_chars(Rng& rng, std::size_t length) {
  static constexpr char k_chars[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~";
  std::string s;
  s.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    s.push_back(k_chars[rng.below(sizeof(k_chars) - 1)]);
  }
  return s;
}

// "%^%#...%^%#": how VRP shows a reversible secret (keys, communities).
std::string reversible(Rng& rng) {
  return "%^%#" + cipher_chars(rng, 40) + "%^%#";
}

// "$1a$...$": a local user's irreversible password hash.
std::string irreversible(Rng& rng) {
  return "$1a$" + cipher_chars(rng, 14) + "$" + cipher_chars(rng, 40) + "$";
}

// "2026-12-06 10:00:00+00:00"
std::string vrp_time(std::time_t t) {
  std::string s = iso_time(t);
  s.resize(s.size() - 4);
  return s + "+00:00";
}

void render_aaa(Text& t, const std::string& tacacs, const std::string& admin, const std::string& netops) {
  t.line("hwtacacs-server template TACACS");
  t.line(" hwtacacs-server authentication 10.0.1.49");
  t.line(" hwtacacs-server authorization 10.0.1.49");
  t.line(" hwtacacs-server shared-key cipher ", tacacs);
  t.line("#");
  t.line("aaa");
  t.line(" authentication-scheme default");
  t.line(" authentication-scheme TACACS");
  t.line("  authentication-mode hwtacacs local");
  t.line(" authorization-scheme default");
  t.line(" accounting-scheme default");
  t.line(" domain default");
  t.line(" domain default_admin");
  t.line("  authentication-scheme TACACS");
  t.line("  hwtacacs-server TACACS");
  t.line(" local-user admin password irreversible-cipher ", admin);
  t.line(" local-user admin privilege level 15");
  t.line(" local-user admin service-type terminal ssh");
  t.line(" local-user netops password irreversible-cipher ", netops);
  t.line(" local-user netops privilege level 15");
  t.line(" local-user netops service-type ssh");
  t.line("#");
}

void render_interfaces(Text& t, const Facts& f) {
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface Vlanif", f.vlans[i]);
    t.line(" description ", vlan_name(f, i));
    t.line(" ip address 10.", f.site, ".", f.vlans[i], ".1 255.255.255.0");
    t.line("#");
  }
  t.line("interface MEth0/0/1");
  t.line(" ip address 10.255.", f.site, ".", f.mgmt_host, " 255.255.255.0");
  t.line("#");
  // Small configs list fewer ports (a real small config is a small switch).
  const int ports = std::min(f.access_ports, static_cast<int>(f.target / 1500) + 1);
  for (int port = 1; port <= ports; ++port) {
    t.line("interface GigabitEthernet0/0/", port);
    t.line(" description ", description(f, port));
    t.line(" port link-type access");
    t.line(" port default vlan ", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()]);
    t.line(" stp edged-port enable");
    t.line("#");
  }
  t.line("interface XGigabitEthernet0/0/1");
  t.line(" description uplink to ", slot_host(f, 4, 254));
  t.line(" port link-type trunk");
  t.line(" port trunk allow-pass vlan 2 to 4094");
  t.line("#");
  t.line("interface NULL0");
  t.line("#");
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x4a3eULL}));
  Rng secrets(secret_stream(r, 0x4a3e5ULL));
  const std::string tacacs = reversible(secrets);
  const std::string community = reversible(secrets);
  const std::string ospf_key = reversible(secrets);
  const std::string admin = irreversible(secrets);
  const std::string netops = irreversible(secrets);
  // Saved by an operator or the autosave timer since the last change: moves between reads.
  const auto saved = r.now - static_cast<std::time_t>(r.read_nonce % 6000) - 30;
  t.line("!Software Version V200R019C10SPC500");
  t.line("!Last configuration was updated at ", vrp_time(f.commit_time), " by netops");
  t.volatile_line("!Last configuration was saved at ", vrp_time(saved), " by netops");
  t.line("#");
  t.line("sysname ", f.hostname);
  t.line("#");
  t.add("vlan batch");
  for (const int vlan : f.vlans) {
    t.add(" ", vlan);
  }
  t.line("");
  t.line("#");
  t.line("stp mode rstp");
  t.line("stp instance 0 priority 4096");
  t.line("#");
  t.line("clock timezone UTC add 00:00:00");
  t.line("#");
  render_aaa(t, tacacs, admin, netops);
  t.line("ntp-service unicast-server 10.0.", f.site % 8, ".123");
  t.line("#");
  render_interfaces(t, f);
  t.line("ospf 1 router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" area 0.0.0.0");
  t.line("  authentication-mode md5 1 cipher ", ospf_key);
  t.line("  network 10.", f.site, ".0.0 0.0.255.255");
  t.line("#");
  t.line("acl number 2000");
  t.line(" rule 5 permit source 10.0.0.0 0.255.255.255");
  t.line(" rule 10 permit source ", slot_host(f, 2, 20), " 0");
  t.line("#");
  t.line("acl number 3000");
  const std::size_t fill = filler_entries(t.size(), f.target, 1200, 105);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line(" rule ", (i + 1) * 5, " permit tcp source ",
           ip(198, 51, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250)),
           " 0 destination 10.", f.site, ".", (h >> 16) % 250, ".0 0.0.0.255 destination-port eq ",
           1024 + (h >> 32) % 60000);
  }
  t.line(" rule ", (fill + 1) * 5, " deny ip");
  t.line("#");
  t.line("ip route-static 0.0.0.0 0.0.0.0 10.", f.site, ".0.254");
  t.line("ip route-static 192.168.", f.slot[4] % 250, ".0 255.255.255.0 10.", f.site, ".0.253");
  t.line("#");
  t.line("snmp-agent");
  t.line("snmp-agent community read cipher ", community, " acl 2000");
  t.line("snmp-agent sys-info contact noc@corp.example.net");
  t.line("snmp-agent sys-info location ", location(f));
  t.line("snmp-agent sys-info version v2c v3");
  t.line("snmp-agent target-host trap address udp-domain ", slot_host(f, 5, 30), " params securityname netops");
  t.line("#");
  t.line("stelnet server enable");
  t.line("ssh user netops");
  t.line("ssh user netops authentication-type password");
  t.line("ssh user netops service-type stelnet");
  t.line("#");
  t.line("info-center loghost ", slot_host(f, 5, 30));
  t.line("#");
  t.line("user-interface con 0");
  t.line(" authentication-mode aaa");
  t.line("user-interface vty 0 4");
  t.line(" authentication-mode aaa");
  t.line(" protocol inbound ssh");
  t.line("#");
  t.line("return");
  g.output = t.take();
  g.secrets = {tacacs, community, ospf_key, admin, netops};
  g.volatile_prefixes = {"!Last configuration was saved at "};
  return g;
}

class HuaweiVrp final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string&, bool) const override { return "<" + host + ">"; }
  std::string banner(const std::string&) const override {
    return "\nInfo: The max number of VTY users is 10, and the number\n      of current VTY users on line is 1.\n"
           "      The current login time is " +
           vrp_time(std::time(nullptr)).substr(0, 19) + ".\n";
  }
  std::string more_prompt(std::size_t) const override { return "  ---- More ----"; }
  std::string erase_more(const std::string&) const override {
    const std::string left = "\x1b[42D";
    return left + std::string(42, ' ') + left;
  }
  std::string config_command() const override { return "display current-configuration"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string&, const std::string& uptime) const override {
    std::string v = "Huawei Versatile Routing Platform Software\n";
    v.append("VRP (R) software, Version 5.170 (S5720 V200R019C10SPC500)\n");
    v.append("Copyright (C) 2000-2020 HUAWEI TECH Co., Ltd.\n");
    v.append("HUAWEI S5720-52X-SI-AC Routing Switch uptime is ").append(uptime).append("\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    if (is(w0, "quit", 1)) {
      shell.close_session();
    } else if (is(w0, "screen-length", 3)) {
      screen_length(shell, command);
    } else if (is(w0, "display", 3) && command.size() == 1) {
      shell.invalid_at(command, 1, k_incomplete);
    } else if (is(w0, "display", 3) && is(arg(1), "current-configuration", 3) && shell.privileged()) {
      shell.show_config(false);
    } else if (is(w0, "display", 3) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else if (is(w0, "display", 3)) {
      // Below level 3 "current-configuration" is not there for the user: unrecognized.
      shell.invalid_at(command, 1, k_unrecognized);
    } else {
      shell.invalid_at(command, 0, k_unrecognized);
    }
  }

private:
  // "screen-length N temporary": this session only (without "temporary" it would change the
  // user interface's configuration, which a read-only client must not do).
  static void screen_length(DeviceShell& shell, const CommandLine& command) {
    int n = 0;
    if (command.size() < 2) {
      shell.invalid_at(command, 1, k_incomplete);
    } else if (!parse_count(command.arg(1), n) || n > 512) {
      shell.invalid_at(command, 1, k_wrong_parameter);
    } else if (command.size() < 3) {
      shell.invalid_at(command, 2, k_incomplete);
    } else if (!is(command.arg(2), "temporary", 1)) {
      shell.invalid_at(command, 2, k_unrecognized);
    } else {
      shell.set_terminal_length(n);
      shell.print("Info: The configuration takes effect on the current user terminal interface only.\n");
      shell.done();
    }
  }
};

}  // namespace

const PlatformSim& huawei_vrp() {
  static const HuaweiVrp platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
