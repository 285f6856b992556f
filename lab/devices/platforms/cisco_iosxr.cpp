// Cisco IOS XR (7.x, ASR 9000): logs in at "RP/0/RSP0/CPU0:name#" (no enable: what a user
// may do comes from its task groups); "terminal length 0", "terminal width 0-512"; every
// show command's output starts with the time ("Sun Dec  6 19:40:12.345 UTC") until
// "terminal exec prompt no-timestamp"; " --More-- " erased by backspaces; caret + "% Invalid
// input detected at '^' marker."; no SSH exec. The config: "Building configuration...",
// "!! IOS XR Configuration 7.5.2", "!! Last configuration change at ... by user", the body,
// "end". Sources: Netmiko cisco_xr.py, Oxidized iosxr.rb, RANCID iosxr.pm (WriteTerm).
#include <ctime>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

constexpr std::string_view k_invalid = "% Invalid input detected at '^' marker.";

// "$6$<salt>$<hash>": "secret 10" (SHA-512 crypt), XR 7's default for local users.
std::string sha512_crypt(Rng& rng) {
  return "$6$" + rng.crypt_chars(16) + "$" + rng.crypt_chars(86);
}

// "Sun Dec  6 19:40:12.345 UTC": what XR prints before each show command's output.
std::string exec_timestamp(std::time_t now, std::uint64_t millis) {
  const auto tm = utc(now);
  char day[40];
  std::strftime(day, sizeof day, "%a %b %e %H:%M:%S", &tm);
  const auto ms = std::to_string(1000 + millis % 1000).substr(1);
  return std::string(day) + "." + ms + " UTC\n";
}

void header_and_aaa(Text& t, const ConfigRequest& r, const Facts& f, const std::vector<std::string>& s) {
  const auto changed = r.now - static_cast<std::time_t>(r.read_nonce % 5000) - 60;
  t.line("Building configuration...");
  t.line("!! IOS XR Configuration 7.5.2");
  t.volatile_line("!! Last configuration change at ", ctime_style(changed), " by admin");
  t.line("!");
  t.line("hostname ", f.hostname);
  t.line("clock timezone UTC 0");
  t.line("logging trap informational");
  t.line("logging ", slot_host(f, 5, 30), " vrf default severity info");
  t.line("domain name corp.example.net");
  t.line("username admin");
  t.line(" group root-lr");
  t.line(" group cisco-support");
  t.line(" secret 10 ", s[0]);
  t.line("!");
  t.line("username netops");
  t.line(" group netadmin");
  t.line(" secret 10 ", s[1]);
  t.line("!");
  t.line("aaa group server tacacs+ TACACS");
  t.line(" server 10.0.", f.site % 8, ".49");
  t.line("!");
  t.line("tacacs-server host 10.0.", f.site % 8, ".49 port 49");
  t.line(" key 7 ", s[2]);
  t.line("!");
  t.line("aaa authorization exec default group TACACS local");
  t.line("aaa authentication login default group TACACS local");
  t.line("!");
}

void interfaces(Text& t, const Facts& f) {
  t.line("interface Loopback0");
  t.line(" ipv4 address 10.255.", f.site, ".", f.mgmt_host, " 255.255.255.255");
  t.line("!");
  t.line("interface MgmtEth0/RSP0/CPU0/0");
  t.line(" vrf MGMT");
  t.line(" ipv4 address 10.254.", f.site, ".", f.mgmt_host, " 255.255.255.0");
  t.line("!");
  int port = 0;
  while (t.size() < f.target / 2 || port < 8) {
    t.line("interface TenGigE0/0/0/", port);
    t.line(" description ", description(f, port + 1));
    t.line(" mtu 9216");
    if (port < static_cast<int>(f.vlans.size())) {
      t.line(" ipv4 address 10.", f.site, ".", f.vlans[static_cast<std::size_t>(port)], ".1 255.255.255.0");
      t.line(" load-interval 30");
    } else {
      t.line(" shutdown");
    }
    t.line("!");
    ++port;
  }
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface BVI", f.vlans[i]);
    t.line(" description ", vlan_name(f, i));
    t.line(" ipv4 address 10.", f.site, ".", f.vlans[i], ".2 255.255.255.0");
    t.line("!");
  }
}

void routing(Text& t, const Facts& f, const std::vector<std::string>& s) {
  t.line("router static");
  t.line(" address-family ipv4 unicast");
  t.line("  0.0.0.0/0 10.254.", f.site, ".1");
  t.line("  192.168.", f.slot[4] % 250, ".0/24 10.254.", f.site, ".1");
  t.line(" !");
  t.line("!");
  t.line("router ospf 1");
  t.line(" router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" area 0");
  t.line("  interface Loopback0");
  t.line("   passive enable");
  t.line("  !");
  t.line("  interface TenGigE0/0/0/0");
  t.line("   authentication message-digest");
  t.line("   message-digest-key 1 md5 encrypted ", s[3]);
  t.line("  !");
  t.line(" !");
  t.line("!");
  t.line("router bgp ", f.asn);
  t.line(" bgp router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line(" address-family ipv4 unicast");
  t.line(" !");
  t.line(" neighbor 10.254.", f.site, ".1");
  t.line("  remote-as ", f.peer_asn);
  t.line("  password encrypted ", s[4]);
  t.line("  address-family ipv4 unicast");
  t.line("   route-policy PASS in");
  t.line("   route-policy PASS out");
  t.line("  !");
  t.line(" !");
  t.line("!");
  t.line("route-policy PASS");
  t.line("  pass");
  t.line("end-policy");
  t.line("!");
}

void access_lists(Text& t, const Facts& f, Rng& rng) {
  t.line("ipv4 access-list ACL-MGMT");
  t.line(" 10 permit tcp 10.0.0.0 0.255.255.255 any eq ssh");
  t.line(" 20 permit tcp host ", slot_host(f, 2, 20), " any eq ssh");
  t.line(" 30 deny ipv4 any any log");
  t.line("!");
  const std::size_t fill = filler_entries(t.size(), f.target, 900, 75);
  if (fill > 0) {
    t.line("ipv4 access-list ACL-SERVERS-IN");
    for (std::size_t i = 0; i < fill; ++i) {
      const auto h = rng.next();
      t.line(" ", (i + 1) * 10, " permit tcp ",
             ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0),
             " 0.0.0.255 host ",
             ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>((h >> 16) % 250),
                static_cast<std::uint32_t>((h >> 24) % 250 + 1)),
             " eq ", 1024 + (h >> 32) % 60000);
    }
    t.line("!");
  }
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x0c5eULL}));
  Rng secrets(secret_stream(r, 0x0c5e5ULL));
  // admin and netops secrets, TACACS key 7, SNMP community, OSPF key, BGP password: the
  // last four as XR shows them, reversibly encrypted (hex).
  const std::vector<std::string> s = {sha512_crypt(secrets), sha512_crypt(secrets), secrets.hex(22),
                                      secrets.hex(18),       secrets.hex(20),       secrets.hex(26)};
  header_and_aaa(t, r, f, s);
  interfaces(t, f);
  routing(t, f, s);
  access_lists(t, f, rng);
  t.line("snmp-server community encrypted ", s[5], " RO SystemOwner");
  t.line("snmp-server location ", location(f));
  t.line("snmp-server contact noc@corp.example.net");
  t.line("ntp");
  t.line(" server 10.0.", f.site % 8, ".123 prefer");
  t.line("!");
  t.line("ssh server v2");
  t.line("ssh server vrf MGMT");
  t.line("end");
  g.output = t.take();
  g.secrets = s;
  g.volatile_prefixes = {"!! Last configuration change at "};
  return g;
}

class CiscoIosXr final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string&, bool) const override {
    return "RP/0/RSP0/CPU0:" + host + "#";
  }
  std::string banner(const std::string&) const override { return "\n"; }
  std::string more_prompt(std::size_t) const override { return " --More-- "; }
  std::string erase_more(const std::string& prompt) const override { return erase_by_backspaces(prompt); }
  bool newline_after_pager_quit() const override { return false; }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string_view after_config() const override { return "\n"; }
  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v = "Cisco IOS XR Software, Version 7.5.2\nCopyright (c) 2013-2022 by Cisco Systems, Inc.\n\n";
    v.append("cisco ASR9K Series (Intel 686 F6M14S4) processor with 12582912K bytes of memory.\n");
    v.append(host).append(" uptime is ").append(uptime).append("\n");
    v.append("System image file is \"bootflash:disk0/asr9k-os-mbi-7.5.2/0x100305/mbiasr9k-rsp3.vm\"\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    if (is(w0, "exit", 3) || is(w0, "logout", 4)) {
      shell.close_session();
    } else if (is(w0, "terminal", 3)) {
      terminal(shell, command);
    } else if (is(w0, "show", 2) && command.size() >= 2) {
      show(shell, command);
    } else {
      shell.invalid_at(command, is(w0, "show", 2) ? 1 : 0, k_invalid);
    }
  }

private:
  // "terminal length N" (0 = no paging), "terminal width 0-512", "terminal exec prompt
  // [no-]timestamp".
  static void terminal(DeviceShell& shell, const CommandLine& command) {
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    int n = 0;
    if (is(arg(1), "exec", 2) && is(arg(2), "prompt", 1) && command.size() == 4 &&
        (arg(3) == "timestamp" || arg(3) == "no-timestamp")) {
      shell.set_exec_timestamps(arg(3) == "timestamp");
      shell.done();
    } else if ((is(arg(1), "length", 3) || is(arg(1), "width", 3)) && parse_count(arg(2), n) && n <= 512) {
      if (is(arg(1), "length", 3)) {
        shell.set_terminal_length(n);
      }
      shell.done();
    } else {
      shell.invalid_at(command, command.size() <= 2 ? command.size() : 2, k_invalid);
    }
  }

  static void show(DeviceShell& shell, const CommandLine& command) {
    const std::string& what = command.arg(1);
    const bool config = is(what, "running-config", 3);
    if (!config && !is(what, "version", 3)) {
      shell.invalid_at(command, 1, k_invalid);
      return;
    }
    if (shell.exec_timestamps()) {
      shell.print(exec_timestamp(std::time(nullptr),
                                 static_cast<std::uint64_t>(shell.config_reads()) * 137 + shell.options().read_nonce));
    }
    if (config) {
      shell.show_config(command.no_more);
    } else {
      shell.show_version();
    }
  }
};

}  // namespace

const PlatformSim& cisco_iosxr() {
  static const CiscoIosXr platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
