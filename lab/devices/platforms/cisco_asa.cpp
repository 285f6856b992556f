// Cisco ASA (9.x). After SSH login: "Type help or '?' ..." and "name>"; "enable" asks
// "Password: " and gives "name#"; "show running-config" only from "#"; paging off with
// "terminal pager 0" (not "terminal length"), else "<--- More --->" erased by "\r", blanks,
// "\r"; every refused command is a caret line and "ERROR: % Invalid input detected at '^'
// marker."; no SSH exec. The config starts ": Saved" and ends "Cryptochecksum:..." and
// ": end"; "show running-config" prints keys as "*****" (only hashes are left to mask).
// Sources: Netmiko cisco_asa_ssh.py (enable, "terminal pager 0"), RANCID clogin/ios.pm
// ("<-+ More -+>", ": Written by"/": Saved", Cryptochecksum), Oxidized asa.rb.
#include <ctime>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

constexpr std::string_view k_invalid = "ERROR: % Invalid input detected at '^' marker.";

// "$sha512$5000$<salt>$<hash> pbkdf2": how ASA 9.x stores local passwords.
std::string pbkdf2(Rng& rng) {
  return "$sha512$5000$" + rng.crypt_chars(22) + "==$" + rng.crypt_chars(22) + "==";
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0xa5aULL}));
  Rng secrets(secret_stream(r, 0xa5a5ULL));
  const std::string enable_hash = pbkdf2(secrets);
  const std::string admin_hash = pbkdf2(secrets);
  const std::string netops_hash = pbkdf2(secrets);
  const std::string passwd = secrets.crypt_chars(16);
  const auto written = r.now - static_cast<std::time_t>(r.read_nonce % 6000) - 45;
  const auto tm = utc(written);
  t.line(": Saved");
  t.volatile_line(": Written by enable_15 at ", two(tm.tm_hour), ":", two(tm.tm_min), ":", two(tm.tm_sec), ".",
                  std::to_string(1000 + r.read_nonce % 1000).substr(1), " UTC ", ios_time(written).substr(13));
  t.line(":");
  t.line(": Serial Number: JAD", 20000000 + mix({r.seed, static_cast<std::uint64_t>(r.id), 0x5e7ULL}) % 9999999);
  t.line(": Hardware:   ASA5516, 8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)");
  t.line(":");
  t.line("ASA Version 9.12(4)37 ");
  t.line("!");
  t.line("hostname ", f.hostname);
  t.line("domain-name corp.example.net");
  t.line("enable password ", enable_hash, " pbkdf2");
  t.line("service-module 0 keepalive-timeout 4");
  t.line("service-module 0 keepalive-counter 6");
  t.line("passwd ", passwd, " encrypted");
  t.line("names");
  t.line("no mac-address auto");
  t.line("");
  t.line("!");
  t.line("interface GigabitEthernet1/1");
  t.line(" description ", description(f, 1));
  t.line(" nameif outside");
  t.line(" security-level 0");
  t.line(" ip address 203.0.113.", f.mgmt_host, " 255.255.255.0 ");
  t.line("!");
  t.line("interface GigabitEthernet1/2");
  t.line(" nameif inside");
  t.line(" security-level 100");
  t.line(" ip address 10.", f.site, ".0.1 255.255.255.0 ");
  t.line("!");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("interface GigabitEthernet1/3.", f.vlans[i]);
    t.line(" description ", vlan_name(f, i));
    t.line(" vlan ", f.vlans[i]);
    t.line(" nameif ", vlan_name(f, i).substr(0, 8), f.vlans[i]);
    t.line(" security-level ", 50 + static_cast<int>(i));
    t.line(" ip address 10.", f.site, ".", f.vlans[i], ".1 255.255.255.0 ");
    t.line("!");
  }
  t.line("interface Management1/1");
  t.line(" management-only");
  t.line(" nameif management");
  t.line(" security-level 100");
  t.line(" ip address 10.255.", f.site, ".", f.mgmt_host, " 255.255.255.0 ");
  t.line("!");
  t.line("ftp mode passive");
  t.line("clock timezone UTC 0");
  t.line("dns server-group DefaultDNS");
  t.line(" domain-name corp.example.net");
  t.line("same-security-traffic permit inter-interface");
  const std::size_t objects = f.target / 2 > t.size() ? (f.target / 2 - t.size()) / 90 : 4;
  for (std::size_t i = 0; i < objects; ++i) {
    const auto h = rng.next();
    t.line("object network OBJ-SRV-", i + 1);
    t.line(" host ", ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>(h % 250),
                        static_cast<std::uint32_t>((h >> 8) % 250 + 1)));
    t.line(" description ", description(f, static_cast<int>(i % 48) + 1));
  }
  t.line("object-group network MGMT-HOSTS");
  t.line(" network-object 10.0.0.0 255.0.0.0");
  t.line(" network-object host ", slot_host(f, 2, 20));
  t.line("access-list MGMT extended permit tcp object-group MGMT-HOSTS any eq ssh ");
  const std::size_t fill = filler_entries(t.size(), f.target, 1800, 80);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("access-list OUTSIDE-IN extended permit tcp ",
           ip(198, 51, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250)),
           " 255.255.255.255 object OBJ-SRV-", (h >> 16) % (objects == 0 ? 1 : objects) + 1, " eq ",
           1024 + (h >> 32) % 60000, " ");
  }
  t.line("access-list OUTSIDE-IN extended deny ip any any log ");
  t.line("pager lines 24");
  t.line("logging enable");
  t.line("logging timestamp");
  t.line("logging host inside ", slot_host(f, 5, 30));
  t.line("mtu outside 1500");
  t.line("mtu inside 1500");
  t.line("icmp unreachable rate-limit 1 burst-size 1");
  t.line("no asdm history enable");
  t.line("arp timeout 14400");
  t.line("access-group OUTSIDE-IN in interface outside");
  t.line("route outside 0.0.0.0 0.0.0.0 203.0.113.1 1");
  t.line("route inside 192.168.", f.slot[4] % 250, ".0 255.255.255.0 10.", f.site, ".0.254 1");
  t.line("timeout xlate 3:00:00");
  t.line("timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sctp 0:02:00 icmp 0:00:02");
  t.line("aaa-server TACACS protocol tacacs+");
  t.line("aaa-server TACACS (inside) host 10.0.", f.site % 8, ".49");
  t.line(" key *****");
  t.line("user-identity default-domain LOCAL");
  t.line("aaa authentication ssh console TACACS LOCAL");
  t.line("aaa authorization exec LOCAL");
  t.line("snmp-server host inside ", slot_host(f, 5, 30), " community ***** version 2c");
  t.line("snmp-server location ", location(f));
  t.line("snmp-server contact noc@corp.example.net");
  t.line("crypto ikev2 policy 10");
  t.line(" encryption aes-256");
  t.line(" integrity sha256");
  t.line(" group 14");
  t.line("tunnel-group 198.51.100.", f.slot[4] % 250, " type ipsec-l2l");
  t.line("tunnel-group 198.51.100.", f.slot[4] % 250, " ipsec-attributes");
  t.line(" ikev2 remote-authentication pre-shared-key *****");
  t.line(" ikev2 local-authentication pre-shared-key *****");
  t.line("ssh 10.0.0.0 255.0.0.0 inside");
  t.line("ssh timeout 30");
  t.line("ssh version 2");
  t.line("ssh key-exchange group dh-group14-sha256");
  t.line("console timeout 0");
  t.line("ntp server 10.0.", f.site % 8, ".123 source inside");
  t.line("username admin password ", admin_hash, " pbkdf2 privilege 15");
  t.line("username netops password ", netops_hash, " pbkdf2 privilege 15");
  t.line("!");
  t.line("class-map inspection_default");
  t.line(" match default-inspection-traffic");
  t.line("!");
  t.line("policy-map global_policy");
  t.line(" class inspection_default");
  t.line("  inspect dns preset_dns_map ");
  t.line("  inspect ftp ");
  t.line("  inspect icmp ");
  t.line("!");
  t.line("service-policy global_policy global");
  t.line("prompt hostname context ");
  t.line("no call-home reporting anonymous");
  std::string body = t.take();
  // MD5-sized checksum of the config proper: moves with a new version, not between reads.
  const auto sum = mix({r.seed, static_cast<std::uint64_t>(r.id), 0xc5ULL, f.slot[0], f.slot[1], f.slot[2], f.slot[3],
                        f.slot[4], f.slot[5]});
  Rng digits(sum);
  body.append("Cryptochecksum:").append(digits.hex(32)).append("\n: end\n");
  g.output = std::move(body);
  g.secrets = {enable_hash, admin_hash, netops_hash, passwd};
  g.volatile_prefixes = {": Written by "};
  return g;
}

class CiscoAsa final : public PlatformSim {
public:
  bool starts_privileged() const override { return false; }
  std::string prompt(const std::string& host, const std::string&, bool privileged) const override {
    return host + (privileged ? "#" : ">");
  }
  std::string banner(const std::string&) const override {
    return "Type help or '?' for a list of available commands.\n";
  }
  std::string more_prompt(std::size_t) const override { return "<--- More --->"; }
  std::string config_command() const override { return "show running-config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v =
        "\nCisco Adaptive Security Appliance Software Version 9.12(4)37 \nSSP Operating System Version "
        "2.6(1.224)\nDevice Manager Version 7.12(2)\n\n";
    v.append(
        "Compiled on Wed 13-Jan-21 10:48 GMT by builders\nSystem image file is \"disk0:/asa9-12-4-37-lfbff-k8.SPA\"\n");
    v.append("Config file at boot was \"startup-config\"\n\n")
        .append(host)
        .append(" up ")
        .append(uptime)
        .append("\n\n");
    v.append("Hardware:   ASA5516, 8192 MB RAM, CPU Atom C2000 series 2416 MHz, 1 CPU (8 cores)\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    int n = 0;
    if (enable_with_secret(shell, w0)) {
      return;
    } else if (is(w0, "exit", 3) || is(w0, "logout", 4) || is(w0, "quit", 4)) {
      shell.print("\nLogoff\n\n");
      shell.close_session();
    } else if (is(w0, "terminal", 3) && is(arg(1), "pager", 1)) {
      // "terminal pager [lines] N"
      const std::size_t at = is(arg(2), "lines", 1) ? 3 : 2;
      if (command.size() <= at || !parse_count(arg(at), n)) {
        shell.invalid_at(command, at, k_invalid);
      } else {
        shell.set_terminal_length(n);
        shell.done();
      }
    } else if (is(w0, "terminal", 3) && is(arg(1), "width", 1)) {
      if (!parse_count(arg(2), n) || n < 40 || n > 511) {
        shell.invalid_at(command, 2, k_invalid);
      } else {
        shell.done();
      }
    } else if (is(w0, "show", 2) && is(arg(1), "running-config", 3) && shell.privileged()) {
      shell.show_config(false);
    } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else if (is(w0, "show", 2) || is(w0, "terminal", 3)) {
      // "terminal length 0" is IOS, not ASA; "show running-config" needs enable.
      shell.invalid_at(command, 1, k_invalid);
    } else {
      shell.invalid_at(command, 0, k_invalid);
    }
  }
};

}  // namespace

const PlatformSim& cisco_asa() {
  static const CiscoAsa platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
