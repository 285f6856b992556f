// Fortinet FortiOS 7.2 (NetBox platform "fortinet-fortios"), no VDOMs, a super_admin user.
// After SSH login: "name # "; no enable. Paging is the console's "output" setting, part of
// the device's configuration: "more" (the default) pages with "--More-- ", erased by "\r",
// blanks, "\r"; "config system console" / "set output standard" / "end" turns it off, and
// the lab counts that as a config change (Netmiko does it, and sets it back when it leaves).
// "show full-configuration" (and "show") print the config from "#config-version=..." to the
// last "end"; "set ... ENC <value>" secrets are encrypted anew on every read (admin
// passwords are SH2 hashes and stay). Unknown commands: "Unknown action 0"; bad arguments:
// "command parse error before 'X'" and "Command fail. Return code -61".
// Sources: Netmiko 2.4.2 fortinet_ssh.py (disable_paging, "get system status | grep
// Virtual", "get system console", cleanup), Oxidized fortios.rb ("--More-- " answered,
// "\r +\r" erase, ENC values), RANCID fnlogin/fortigate.pm (conf_file_ver, cycling ENC).
#include <initializer_list>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

constexpr std::string_view k_parse_error_tail = "Command fail. Return code -61\n";

// A FortiOS "ENC" value: base64 of a random IV and the ciphertext, new on every read.
std::string enc(Rng& rng) {
  static constexpr char k_base64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (int i = 0; i < 88; ++i) {
    s.push_back(k_base64[rng.below(64)]);
  }
  return s + "==";
}

void edit_block(Text& t, const std::string& name, std::initializer_list<std::string> settings) {
  t.line("    edit ", name);
  for (const auto& setting : settings) {
    t.line("        set ", setting);
  }
  t.line("    next");
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  const auto id = static_cast<std::uint64_t>(r.id);
  Rng rng(mix({r.seed, id, 0xf0eULL}));
  // The admins' hashes stay from read to read; a secret rotation draws them anew.
  Rng stable(r.secret_generation > 0 ? secret_stream(r, 0xf0e5ULL) : mix({r.seed, id, 0xf0e5ULL}));
  Rng per_read(mix({r.seed, id, 0xf0e7ULL, r.read_nonce}));
  const std::string admin_hash = "SH2" + stable.hex(60);
  const std::string netops_hash = "SH2" + stable.hex(60);
  const std::string user_enc = enc(per_read);
  const std::string psk_enc = enc(per_read);
  const std::string bgp_enc = enc(per_read);
  const std::string radius_enc = enc(per_read);
  const std::string site = std::to_string(f.site);
  t.line("#config-version=FGT1HF-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=netops");
  t.line("#conf_file_ver=", 100000 + mix({r.seed, id, 0xcf5ULL, f.slot[0], f.slot[1], f.slot[2]}) % 900000000);
  t.line("#buildno=1517");
  t.line("#global_vdom=1");
  t.line("config system global");
  t.line("    set admin-sport 8443");
  t.line("    set alias \"FortiGate-100F\"");
  t.line("    set hostname \"", f.hostname, "\"");
  t.line("    set timezone 80");
  t.line("end");
  t.line("config system interface");
  edit_block(t, "\"wan1\"",
             {"vdom \"root\"", "ip 203.0.113." + std::to_string(f.mgmt_host) + " 255.255.255.0",
              "allowaccess ping https ssh", "type physical", "description \"" + description(f, 1) + "\""});
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    const auto vlan = std::to_string(f.vlans[i]);
    edit_block(t, "\"vlan" + vlan + "\"",
               {"vdom \"root\"", "ip 10." + site + "." + vlan + ".1 255.255.255.0", "allowaccess ping",
                "description \"" + vlan_name(f, i) + "\"", "interface \"internal\"", "vlanid " + vlan});
  }
  t.line("end");
  t.line("config system admin");
  edit_block(t, "\"admin\"", {"accprofile \"super_admin\"", "vdom \"root\"", "password ENC " + admin_hash});
  edit_block(t, "\"netops\"", {"accprofile \"super_admin\"", "vdom \"root\"", "password ENC " + netops_hash});
  t.line("end");
  t.line("config system console");
  t.line("end");
  t.line("config system dns");
  t.line("    set primary 10.0.", f.site % 8, ".53");
  t.line("end");
  t.line("config user radius");
  edit_block(t, "\"RADIUS-NPS\"",
             {"server \"10.0." + std::to_string(f.site % 8) + ".49\"", "secret ENC " + radius_enc});
  t.line("end");
  t.line("config user local");
  edit_block(t, "\"vpn-" + rng.word(6) + "\"", {"type password", "passwd ENC " + user_enc});
  t.line("end");
  t.line("config vpn ipsec phase1-interface");
  edit_block(t, "\"to-hq\"",
             {"interface \"wan1\"", "peertype any", "net-device disable", "proposal aes256-sha256",
              "remote-gw 198.51.100." + std::to_string(f.slot[4] % 250), "psksecret ENC " + psk_enc});
  t.line("end");
  t.line("config firewall address");
  const std::size_t fill = filler_entries(t.size(), f.target, 1500, 95);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    edit_block(t, "\"OBJ-SRV-" + std::to_string(i + 1) + "\"",
               {"subnet " +
                ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>(h % 250),
                   static_cast<std::uint32_t>((h >> 8) % 250 + 1)) +
                " 255.255.255.255"});
  }
  t.line("end");
  t.line("config firewall policy");
  edit_block(t, "1",
             {"name \"lan-to-wan\"", "srcintf \"internal\"", "dstintf \"wan1\"", "action accept", "srcaddr \"all\"",
              "dstaddr \"all\"", "schedule \"always\"", "service \"ALL\"", "nat enable"});
  t.line("end");
  t.line("config router static");
  edit_block(t, "1", {"gateway 203.0.113.1", "device \"wan1\""});
  edit_block(
      t, "2",
      {"dst " + slot_host(f, 2, 20) + " 255.255.255.255", "gateway 10." + site + ".0.254", "device \"internal\""});
  t.line("end");
  t.line("config router bgp");
  t.line("    set as ", f.asn);
  t.line("    set router-id 10.255.", f.site, ".", f.mgmt_host);
  t.line("    config neighbor");
  t.line("        edit \"203.0.113.1\"");
  t.line("            set remote-as ", f.peer_asn);
  t.line("            set password ENC ", bgp_enc);
  t.line("        next");
  t.line("    end");
  t.line("end");
  t.line("config system snmp sysinfo");
  t.line("    set status enable");
  t.line("    set location \"", location(f), "\"");
  t.line("end");
  t.line("config log syslogd setting");
  t.line("    set status enable");
  t.line("    set server \"", slot_host(f, 5, 30), "\"");
  t.line("end");
  g.output = t.take();
  g.secrets = {admin_hash, netops_hash, user_enc, psk_enc, bgp_enc, radius_enc};
  // The ENC values other than the admins' hashes are new on every read.
  g.volatile_prefixes = {"        set secret ENC ", "        set passwd ENC ", "        set psksecret ENC ",
                         "            set password ENC "};
  return g;
}

// "get system status": what Netmiko greps for "Virtual".
std::string system_status(const std::string& host) {
  return "Version: FortiGate-100F v7.2.5,build1517,230606 (GA.F)\n"
         "Firmware Signature: certified\n"
         "Virus-DB: 91.04890(2023-07-05 12:37)\n"
         "Serial-Number: FG100FTK21000001\n"
         "BIOS version: 05000010\n"
         "Log hard disk: Not available\n"
         "Hostname: " +
         host +
         "\n"
         "Private Encryption: Disable\n"
         "Operation Mode: NAT\n"
         "Current virtual domain: root\n"
         "Max number of virtual domains: 10\n"
         "Virtual domains status: 1 in NAT mode, 0 in TP mode\n"
         "Virtual domain configuration: disable\n"
         "FIPS-CC mode: disable\n"
         "Current HA mode: standalone\n"
         "Branch point: 1517\n"
         "Release Version Information: GA\n"
         "System time: Sun Dec  6 10:00:00 2026\n"
         "Last reboot reason: warm reboot\n";
}

// The lines of `text` containing `needle` (FortiOS "| grep").
std::string grep(const std::string& text, const std::string& needle) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start + 1);
    if (line.find(needle) != std::string::npos) {
      out.append(line);
    }
    start = end == std::string::npos ? text.size() : end + 1;
  }
  return out;
}

class FortinetFortios final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string&, bool) const override { return host + " # "; }
  std::string prompt_in(const std::string& host, const std::string& context) const override {
    return host + " (" + context + ") # ";
  }
  std::string banner(const std::string&) const override { return ""; }
  std::string more_prompt(std::size_t) const override { return "--More-- "; }
  std::string config_command() const override { return "show full-configuration"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string& host, const std::string&) const override { return system_status(host); }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    if (shell.context() == "console") {
      execute_in_console(shell, command);
      return;
    }
    const std::string& w0 = command.arg(0);
    const std::string& w1 = command.arg(1);
    if (w0 == "exit") {
      shell.close_session();
    } else if (w0 == "show" && (w1.empty() || w1 == "full-configuration") && command.size() <= 2) {
      shell.show_config(false);
    } else if (w0 == "get" && w1 == "system" && command.arg(2) == "status") {
      const auto bar = command.raw.find("| grep ");
      const auto status = system_status(shell.options().hostname);
      shell.print(bar == std::string::npos ? status : grep(status, command.raw.substr(bar + 7)));
      shell.done();
    } else if (w0 == "get" && w1 == "system" && command.arg(2) == "console") {
      shell.print("mode                : line\nbaudrate            : 9600\noutput              : " +
                  std::string(shell.terminal_length_zero() ? "standard" : "more") + "\nlogin               : enable\n");
      shell.done();
    } else if (w0 == "config" && w1 == "system" && command.arg(2) == "console" && command.size() == 3) {
      shell.set_context("console");
      shell.done();
    } else if (w0 == "show" || w0 == "get" || w0 == "config") {
      const auto rest = command.size() > 1 ? command.text.substr(command.tokens[1].first) : "";
      shell.fail("command parse error before '" + rest + "'\n" + std::string(k_parse_error_tail));
    } else {
      shell.fail("Unknown action 0\n");
    }
  }

private:
  // Inside "config system console": "set output more|standard", then "end" saves, "abort"
  // leaves without saving.
  void execute_in_console(DeviceShell& shell, const CommandLine& command) const {
    const std::string& w0 = command.arg(0);
    if (w0 == "set" && command.arg(1) == "output" && (command.arg(2) == "standard" || command.arg(2) == "more")) {
      shell.set_context("console", command.arg(2));
      shell.done();
    } else if (w0 == "end" || w0 == "abort") {
      const std::string& output = shell.unsaved_change();
      if (w0 == "end" && !output.empty() && (output == "standard") != shell.terminal_length_zero()) {
        shell.set_terminal_length(output == "standard" ? 0 : -1);
        shell.count_config_change();
      }
      shell.set_context("");
      shell.done();
    } else {
      shell.fail("command parse error before '" + command.text.substr(command.tokens[0].first) + "'\n" +
                 std::string(k_parse_error_tail));
    }
  }
};

}  // namespace

const PlatformSim& fortinet_fortios() {
  static const FortinetFortios platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
