// MikroTik RouterOS 6.49 (NetBox platform "mikrotik-routeros"). Logs in with the MikroTik
// logo and help text, then "[user@name] > "; a user name may carry console options after
// "+" ("netops+cetw511h4098": Netmiko's), which the lab accepts and ignores. No enable, no
// pager in what the lab prints. As in dumb mode, Enter repaints the line ("\r", prompt,
// command) and leaves a blank line, and every prompt is drawn twice ("prompt\rprompt").
// "/export" (also over SSH exec) prints the config: a "# <mon/dd/yyyy hh:mm:ss> by RouterOS"
// header that moves on every read, "/section" lines, "add"/"set" lines of key=value words
// wrapped before 80 columns with " \" and a 4-blank indent. v6 shows sensitive values
// (secret=, password=, tcp-md5-key=, ...). Unknown commands: "bad command name X (line 1
// column 1)"; extra words: "expected end of command (line 1 column N)".
// Sources: Netmiko 2.4.2 mikrotik_ssh.py (user name options, strip_command: "command",
// "prompt command", blank line; strip_prompt: two trailing prompt lines), upstream Netmiko
// 4.x mikrotik_ssh.py, Oxidized routeros.rb (exec "/export", line joins, header lines),
// MikroTik's manual (export, console login options).
#include <ctime>
#include <string>
#include <vector>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

constexpr std::size_t k_export_width = 80;

// "dec/06/2026 10:00:00", as /export dates its header on v6.
std::string export_time(std::time_t t) {
  static constexpr const char* k_months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                             "jul", "aug", "sep", "oct", "nov", "dec"};
  const auto tm = utc(t);
  std::string s = k_months[tm.tm_mon];
  s.append("/").append(two(tm.tm_mday)).append("/").append(std::to_string(tm.tm_year + 1900)).append(" ");
  s.append(two(tm.tm_hour)).append(":").append(two(tm.tm_min)).append(":").append(two(tm.tm_sec));
  return s;
}

// One "add"/"set" line of words, wrapped as /export wraps it: a word that would pass the
// width starts a new line, the broken line ends in " \" and the next starts with 4 blanks.
void command(Text& t, const std::vector<std::string>& words) {
  std::string line;
  for (const auto& word : words) {
    if (!line.empty() && line.size() + 1 + word.size() + 2 > k_export_width) {
      t.line(line, " \\");
      line = "    " + word;
    } else {
      line.append(line.empty() ? "" : " ").append(word);
    }
  }
  t.line(line);
}

std::string quoted(const std::string& value) {
  return value.find(' ') == std::string::npos ? value : "\"" + value + "\"";
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x3171ULL}));
  Rng secrets(secret_stream(r, 0x3171fULL));
  const std::string ipsec = secrets.word(20);
  const std::string ppp = secrets.word(12);
  const std::string md5 = secrets.word(16);
  const std::string ospf = secrets.word(8);
  const std::string radius = secrets.word(18);
  const std::string site = std::to_string(f.site);
  t.volatile_line("# ", export_time(r.now - static_cast<std::time_t>(r.read_nonce % 7)), " by RouterOS 6.49.10");
  t.line("# software id = ", rng.hex(4), "-", rng.hex(4));
  t.line("#");
  t.line("# model = CCR2004-16G-2S+");
  t.line("# serial number = ", rng.hex(12));
  t.line("/interface bridge");
  command(t, {"add", "name=bridge-lan", "protocol-mode=none"});
  t.line("/interface ethernet");
  command(t, {"set", "[ find default-name=ether1 ]", "comment=" + quoted(description(f, 1))});
  t.line("/interface vlan");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    const auto vlan = std::to_string(f.vlans[i]);
    command(t, {"add", "comment=" + quoted(vlan_name(f, i)), "interface=bridge-lan", "name=vlan" + vlan,
                "vlan-id=" + vlan});
  }
  t.line("/routing ospf instance");
  command(t, {"set", "[ find default=yes ]", "router-id=10.255." + site + "." + std::to_string(f.mgmt_host)});
  t.line("/ip pool");
  command(t, {"add", "name=dhcp-users", "ranges=10." + site + ".10.100-10." + site + ".10.200"});
  t.line("/ppp profile");
  command(t, {"set", "*FFFFFFFE", "local-address=10." + site + ".250.1", "remote-address=dhcp-users"});
  t.line("/interface l2tp-server server");
  command(t, {"set", "enabled=yes", "use-ipsec=required", "ipsec-secret=" + ipsec});
  t.line("/ip address");
  command(t, {"add", "address=203.0.113." + std::to_string(f.mgmt_host) + "/24", "interface=ether1",
              "network=203.0.113.0"});
  for (const int vlan : f.vlans) {
    const auto v = std::to_string(vlan);
    command(t, {"add", "address=10." + site + "." + v + ".1/24", "interface=vlan" + v,
                "network=10." + site + "." + v + ".0"});
  }
  t.line("/ip dns");
  command(t, {"set", "servers=10.0." + std::to_string(f.site % 8) + ".53"});
  t.line("/ip firewall address-list");
  const std::size_t fill = filler_entries(t.size(), f.target, 1400, 62);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    command(t,
            {"add",
             "address=" + ip(198, 51, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250)),
             "comment=ticket-" + std::to_string((h >> 16) % 100000), "list=blocklist"});
  }
  t.line("/ip firewall filter");
  command(t, {"add", "action=accept", "chain=input", "connection-state=established,related"});
  command(t, {"add", "action=drop", "chain=input", "src-address-list=blocklist"});
  command(t,
          {"add", "action=accept", "chain=input", "dst-port=22", "protocol=tcp", "src-address=" + slot_host(f, 2, 20)});
  t.line("/ip route");
  command(t, {"add", "distance=1", "gateway=203.0.113.1"});
  command(t, {"add", "distance=1", "dst-address=192.168." + std::to_string(f.slot[4] % 250) + ".0/24",
              "gateway=10." + site + ".0.254"});
  t.line("/ppp secret");
  command(t, {"add", "name=vpn-" + rng.word(6), "password=" + ppp, "profile=default-encryption", "service=l2tp"});
  t.line("/radius");
  command(t, {"add", "address=10.0." + std::to_string(f.site % 8) + ".49", "secret=" + radius, "service=login"});
  t.line("/routing bgp instance");
  command(t, {"set", "default", "as=" + std::to_string(f.asn),
              "router-id=10.255." + site + "." + std::to_string(f.mgmt_host)});
  t.line("/routing bgp peer");
  command(t, {"add", "name=upstream", "remote-address=203.0.113.1", "remote-as=" + std::to_string(f.peer_asn),
              "tcp-md5-key=" + md5, "ttl=default"});
  t.line("/routing ospf interface");
  command(t, {"add", "authentication=md5", "authentication-key=" + ospf, "interface=bridge-lan"});
  t.line("/routing ospf network");
  command(t, {"add", "area=backbone", "network=10." + site + ".0.0/16"});
  t.line("/snmp");
  command(t, {"set", "contact=noc@corp.example.net", "enabled=yes", "location=" + quoted(location(f))});
  t.line("/system clock");
  command(t, {"set", "time-zone-name=UTC"});
  t.line("/system identity");
  command(t, {"set", "name=" + quoted(f.hostname)});
  t.line("/system logging action");
  command(t, {"set", "3", "remote=" + slot_host(f, 5, 30)});
  t.line("/system ntp client");
  command(t, {"set", "enabled=yes", "primary-ntp=10.0." + std::to_string(f.site % 8) + ".123"});
  g.output = t.take();
  g.secrets = {ipsec, ppp, md5, ospf, radius};
  // The header's date: "# <mon>/", whatever the month.
  g.volatile_prefixes = {"# jan/", "# feb/", "# mar/", "# apr/", "# may/", "# jun/",
                         "# jul/", "# aug/", "# sep/", "# oct/", "# nov/", "# dec/"};
  return g;
}

const char* const k_logo =
    "\n\n\n"
    "  MMM      MMM       KKK                          TTTTTTTTTTT      KKK\n"
    "  MMMM    MMMM       KKK                          TTTTTTTTTTT      KKK\n"
    "  MMM MMMM MMM  III  KKK  KKK  RRRRRR     OOOOOO      TTT     III  KKK  KKK\n"
    "  MMM  MM  MMM  III  KKKKK     RRR  RRR  OOO  OOO     TTT     III  KKKKK\n"
    "  MMM      MMM  III  KKK KKK   RRRRRR    OOO  OOO     TTT     III  KKK KKK\n"
    "  MMM      MMM  III  KKK  KKK  RRR  RRR   OOOOOO      TTT     III  KKK  KKK\n\n"
    "  MikroTik RouterOS 6.49.10 (c) 1999-2023       http://www.mikrotik.com/\n\n"
    "[?]             Gives the list of available commands\n"
    "command [?]     Gives help on the command and list of arguments\n\n"
    "[Tab]           Completes the command/word. If the input is ambiguous,\n"
    "                a second [Tab] gives possible options\n\n"
    "/               Move up to base level\n"
    "..              Move up one level\n"
    "/command        Use command at the base level\n";

class MikrotikRouteros final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string& user, bool) const override {
    return "[" + user + "@" + host + "] > ";
  }
  std::string banner(const std::string&) const override { return k_logo; }
  bool runs_exec() const override { return true; }
  bool login_options_in_user_name() const override { return true; }
  std::string echo_enter(const std::string& prompt, const std::string& line) const override {
    return "\r" + prompt + line + "\n" + (line.empty() ? "" : "\n");
  }
  std::string draw_prompt(const std::string& prompt) const override { return prompt + "\r" + prompt; }
  std::string config_command() const override { return "/export"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string&, const std::string& uptime) const override {
    return "                   uptime: " + uptime +
           "\n                  version: 6.49.10 (long-term)\n"
           "               build-time: Sep/06/2023 10:29:15\n"
           "              free-memory: 3420.1MiB\n"
           "             total-memory: 3840.0MiB\n"
           "                      cpu: ARM64\n"
           "                cpu-count: 4\n"
           "        architecture-name: arm64\n"
           "               board-name: CCR2004-16G-2S+\n"
           "                 platform: MikroTik\n";
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const std::string word = w0.starts_with('/') ? w0.substr(1) : w0;
    if (word == "quit") {
      shell.print("interrupted\n");
      shell.close_session();
    } else if (word == "export") {
      if (command.size() > 1) {
        shell.fail("expected end of command (line 1 column " + std::to_string(command.tokens[1].first + 1) + ")\n");
      } else {
        shell.show_config(true);
      }
    } else if (word == "system" && command.arg(1) == "resource" && command.arg(2) == "print") {
      shell.show_version();
    } else {
      shell.fail("bad command name " + word + " (line 1 column " + std::to_string(w0.starts_with('/') ? 2 : 1) + ")\n");
    }
  }
};

}  // namespace

const PlatformSim& mikrotik_routeros() {
  static const MikrotikRouteros platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
