// Palo Alto PAN-OS (10.x), operational mode: logs in at "user@name> " (no enable: what a user
// may do comes from its admin role); "set cli pager off"; "--more--" erased by "\r", blanks,
// "\r"; "Unknown command: X" for a first word it does not know, "Invalid syntax." for the
// rest. "show config running" prints the running config in the default hierarchical format
// ("config {" ... "}", two blanks a level), whatever "set cli config-output-format" says
// (that applies to "show" in configuration mode), with a blank line before and after it.
// No SSH exec. Sources: Netmiko paloalto_panos.py, RANCID panlogin/panos.pm, Oxidized panos.rb.
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

// "$5$<salt>$<hash>": the SHA-256 crypt PAN-OS keeps for local administrators.
std::string phash(Rng& rng) {
  return "$5$" + rng.crypt_chars(8) + "$" + rng.crypt_chars(43);
}

// "-AQ==<base64>": how PAN-OS shows a value encrypted with its master key.
std::string master_key_encrypted(Rng& rng) {
  return "-AQ==" + rng.crypt_chars(27) + "=";
}

// Closes `levels` blocks, the innermost at `depth` (two blanks a level).
void close_blocks(Text& t, int depth, int levels) {
  for (int d = depth; d > depth - levels; --d) {
    t.line(std::string(static_cast<std::size_t>(d) * 2, ' '), "}");
  }
}

// One local administrator under "users": its password hash and dynamic role.
void administrator(Text& t, std::string_view name, const std::string& hash, std::string_view role) {
  t.line("      ", name, " {");
  t.line("        phash ", hash, ";");
  t.line("        permissions {");
  t.line("          role-based {");
  t.line("            ", role, " yes;");
  close_blocks(t, 5, 3);
}

void management(Text& t, const Facts& f, const std::vector<std::string>& s) {
  t.line("config {");
  t.line("  mgt-config {");
  t.line("    users {");
  administrator(t, "admin", s[0], "superuser");
  administrator(t, "netops", s[1], "superreader");
  close_blocks(t, 2, 2);
  t.line("  shared {");
  t.line("    server-profile {");
  t.line("      tacplus {");
  t.line("        TACACS {");
  t.line("          server {");
  t.line("            tac1 {");
  t.line("              address 10.0.", f.site % 8, ".49;");
  t.line("              secret ", s[2], ";");
  close_blocks(t, 6, 6);
}

void network(Text& t, const Facts& f, const std::vector<std::string>& s) {
  t.line("  devices {");
  t.line("    localhost.localdomain {");
  t.line("      network {");
  t.line("        interface {");
  t.line("          ethernet {");
  t.line("            ethernet1/1 {");
  t.line("              layer3 {");
  t.line("                ip {");
  t.line("                  203.0.113.", f.mgmt_host, "/24;");
  close_blocks(t, 8, 2);
  t.line("              comment \"", description(f, 1), "\";");
  t.line("            }");
  t.line("            ethernet1/2 {");
  t.line("              layer3 {");
  t.line("                units {");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("                  ethernet1/2.", f.vlans[i], " {");
    t.line("                    ip {");
    t.line("                      10.", f.site, ".", f.vlans[i], ".1/24;");
    t.line("                    }");
    t.line("                    tag ", f.vlans[i], ";");
    t.line("                    comment ", vlan_name(f, i), ";");
    t.line("                  }");
  }
  close_blocks(t, 8, 5);
  t.line("        ike {");
  t.line("          gateway {");
  t.line("            GW-BRANCH {");
  t.line("              authentication {");
  t.line("                pre-shared-key {");
  t.line("                  key ", s[3], ";");
  close_blocks(t, 8, 2);
  t.line("              peer-address {");
  t.line("                ip 198.51.100.", f.slot[4] % 250, ";");
  close_blocks(t, 7, 4);
  t.line("        virtual-router {");
  t.line("          default {");
  t.line("            routing-table {");
  t.line("              ip {");
  t.line("                static-route {");
  t.line("                  default {");
  t.line("                    destination 0.0.0.0/0;");
  t.line("                    nexthop {");
  t.line("                      ip-address 203.0.113.1;");
  close_blocks(t, 10, 8);
  t.line("      deviceconfig {");
  t.line("        system {");
  t.line("          hostname ", f.hostname, ";");
  t.line("          ip-address 10.255.", f.site, ".", f.mgmt_host, ";");
  t.line("          netmask 255.255.255.0;");
  t.line("          login-banner \"", location(f), "\";");
  t.line("          snmp-setting {");
  t.line("            access-setting {");
  t.line("              version {");
  t.line("                v2c {");
  t.line("                  snmp-community-string ", s[4], ";");
  close_blocks(t, 8, 4);
  t.line("          ntp-servers {");
  t.line("            primary-ntp-server {");
  t.line("              ntp-server-address 10.0.", f.site % 8, ".123;");
  close_blocks(t, 6, 4);
}

void policies(Text& t, const Facts& f, Rng& rng) {
  t.line("      vsys {");
  t.line("        vsys1 {");
  t.line("          address {");
  t.line("            MGMT-HOST {");
  t.line("              ip-netmask ", slot_host(f, 2, 20), "/32;");
  t.line("            }");
  t.line("            SYSLOG {");
  t.line("              ip-netmask ", slot_host(f, 5, 30), "/32;");
  close_blocks(t, 6, 2);
  t.line("          rulebase {");
  t.line("            security {");
  t.line("              rules {");
  const std::size_t fill = filler_entries(t.size(), f.target, 700, 330);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("                SRV-", i + 1, " {");
    t.line("                  from untrust;");
    t.line("                  to trust;");
    t.line("                  source ",
           ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0), "/24;");
    t.line("                  destination ",
           ip(10, static_cast<std::uint32_t>(f.site), static_cast<std::uint32_t>((h >> 16) % 250),
              static_cast<std::uint32_t>((h >> 24) % 250 + 1)),
           ";");
    t.line("                  service tcp-", 1024 + (h >> 32) % 60000, ";");
    t.line("                  application any;");
    t.line("                  action allow;");
    t.line("                }");
  }
  t.line("                DENY-ALL {");
  t.line("                  from any;");
  t.line("                  to any;");
  t.line("                  source any;");
  t.line("                  destination any;");
  t.line("                  action deny;");
  t.line("                  log-end yes;");
  close_blocks(t, 8, 9);
}

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(f.target + 8192);
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x9a105ULL}));
  Rng secrets(secret_stream(r, 0x9a1055ULL));
  // admin and netops password hashes, TACACS+ secret, IKE pre-shared key, SNMP community.
  const std::vector<std::string> s = {phash(secrets), phash(secrets), master_key_encrypted(secrets),
                                      master_key_encrypted(secrets), f.snmp_community};
  management(t, f, s);
  network(t, f, s);
  policies(t, f, rng);
  g.output = t.take();
  g.secrets = s;
  return g;
}

constexpr std::string_view k_invalid_syntax = "Invalid syntax.\n";

class PaloAltoPanos final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string& user, bool) const override {
    return user + "@" + host + "> ";
  }
  std::string banner(const std::string&) const override {
    return "Last login: Sun Dec  6 09:12:44 2026 from 10.0.0.10\n\nNumber of failed attempts since last "
           "successful login: 0\n\n\n";
  }
  std::string more_prompt(std::size_t) const override { return "--more--"; }
  std::string config_command() const override { return "show config running"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string_view after_config() const override { return "\n"; }
  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v = "\nhostname: " + host + "\nip-address: 10.255.0.1\nnetmask: 255.255.255.0\n";
    v.append("uptime: ").append(uptime).append("\n");
    v.append("family: 3200\nmodel: PA-3220\nsw-version: 10.2.9-h1\napp-version: 8812-8601\n\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    if (w0 == "exit" || w0 == "quit") {
      shell.close_session();
    } else if (w0 == "set" && arg(1) == "cli") {
      set_cli(shell, command);
    } else if (w0 == "show" && arg(1) == "config" && arg(2) == "running" && command.size() == 3) {
      shell.print("\n");
      shell.show_config(command.no_more);
    } else if (w0 == "show" && arg(1) == "system" && arg(2) == "info" && command.size() == 3) {
      shell.show_version();
    } else if (w0 == "show" || w0 == "set") {
      shell.fail(k_invalid_syntax);
    } else {
      const auto word = command.text.substr(command.tokens.front().first, w0.size());
      shell.fail("Unknown command: " + word + "\n");
    }
  }

private:
  // "set cli pager on|off", "set cli scripting-mode on|off", "set cli config-output-format
  // default|json|set|xml", "set cli op-command-xml-output on|off": accepted silently.
  static void set_cli(DeviceShell& shell, const CommandLine& command) {
    const std::string& what = command.arg(2);
    const std::string& value = command.arg(3);
    const bool on_off = value == "on" || value == "off";
    if (command.size() != 4) {
      shell.fail(k_invalid_syntax);
    } else if (what == "pager" && on_off) {
      shell.set_terminal_length(value == "off" ? 0 : -1);
      shell.done();
    } else if (((what == "scripting-mode" || what == "op-command-xml-output") && on_off) ||
               (what == "config-output-format" &&
                (value == "default" || value == "json" || value == "set" || value == "xml"))) {
      shell.done();
    } else {
      shell.fail(k_invalid_syntax);
    }
  }
};

}  // namespace

const PlatformSim& paloalto_panos() {
  static const PaloAltoPanos platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
