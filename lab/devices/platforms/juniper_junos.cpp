// Juniper Junos: logs in at "user@name> "; "set cli screen-length 0"; "---(more N%)---"
// erased by "\r", spaces, "\r"; a blank line before each prompt after output; refuses exec.
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
  Rng rng(mix({r.seed, static_cast<std::uint64_t>(r.id), 0x1e05ULL}));
  const std::string root_hash = "$6$" + Rng(secret_stream(r, 0x4007ULL)).crypt_chars(94);
  const std::string tacplus = "$9$" + rng.crypt_chars(28);
  const std::string bgp = "$9$" + rng.crypt_chars(22);
  t.line("## Last commit: ", iso_time(f.commit_time), " by admin");
  t.line("version 21.4R3-S3.4;");
  t.line("system {");
  t.line("    host-name ", f.hostname, ";");
  t.line("    root-authentication {");
  t.line("        encrypted-password \"", root_hash, "\"; ## SECRET-DATA");
  t.line("    }");
  t.line("    login {");
  t.line("        user netops {");
  t.line("            uid 2001;");
  t.line("            class super-user;");
  t.line("            authentication {");
  t.line("                encrypted-password \"", f.sha512_admin, "\"; ## SECRET-DATA");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("    services {");
  t.line("        ssh {");
  t.line("            root-login deny;");
  t.line("        }");
  t.line("        netconf {");
  t.line("            ssh;");
  t.line("        }");
  t.line("    }");
  t.line("    syslog {");
  t.line("        host ", slot_host(f, 5, 30), " {");
  t.line("            any notice;");
  t.line("        }");
  t.line("        file messages {");
  t.line("            any notice;");
  t.line("            authorization info;");
  t.line("        }");
  t.line("    }");
  t.line("    ntp {");
  t.line("        server 10.0.", f.site % 8, ".123;");
  t.line("    }");
  t.line("    tacplus-server {");
  t.line("        10.0.", f.site % 8, ".49 {");
  t.line("            secret \"", tacplus, "\"; ## SECRET-DATA");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("interfaces {");
  const std::size_t interface_budget = f.target / 2;
  int port = 0;
  while (t.size() < interface_budget || port < 8) {
    t.line("    ge-0/0/", port, " {");
    t.line("        description \"", description(f, port + 1), "\";");
    t.line("        unit 0 {");
    t.line("            family ethernet-switching {");
    if (port % 16 == 0) {
      t.line("                interface-mode trunk;");
      t.line("                vlan {");
      t.line("                    members all;");
    } else {
      t.line("                interface-mode access;");
      t.line("                vlan {");
      t.line("                    members v", f.vlans[static_cast<std::size_t>(port) % f.vlans.size()], ";");
    }
    t.line("                }");
    t.line("            }");
    t.line("        }");
    t.line("    }");
    ++port;
  }
  t.line("    irb {");
  for (const int v : f.vlans) {
    t.line("        unit ", v, " {");
    t.line("            family inet {");
    t.line("                address 10.", f.site, ".", v, ".1/24;");
    t.line("            }");
    t.line("        }");
  }
  t.line("    }");
  t.line("    lo0 {");
  t.line("        unit 0 {");
  t.line("            family inet {");
  t.line("                address 10.255.", f.site, ".", f.mgmt_host, "/32;");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("snmp {");
  t.line("    location \"", location(f), "\";");
  t.line("    community ", f.snmp_community, " {");
  t.line("        authorization read-only;");
  t.line("    }");
  t.line("}");
  t.line("routing-options {");
  t.line("    router-id 10.255.", f.site, ".", f.mgmt_host, ";");
  t.line("    autonomous-system ", f.asn, ";");
  t.line("    static {");
  t.line("        route 0.0.0.0/0 next-hop 10.", f.site, ".0.1;");
  t.line("        route 192.168.", f.slot[4] % 250, ".0/24 next-hop 10.254.", f.site, ".1;");
  t.line("    }");
  t.line("}");
  t.line("protocols {");
  t.line("    ospf {");
  t.line("        area 0.0.0.0 {");
  t.line("            interface lo0.0 {");
  t.line("                passive;");
  t.line("            }");
  t.line("            interface ge-0/0/0.0;");
  t.line("        }");
  t.line("    }");
  t.line("    bgp {");
  t.line("        group EBGP {");
  t.line("            type external;");
  t.line("            authentication-key \"", bgp, "\"; ## SECRET-DATA");
  t.line("            peer-as ", f.peer_asn, ";");
  t.line("            neighbor 10.254.", f.site, ".1;");
  t.line("            neighbor ", slot_host(f, 4, 253), ";");
  t.line("        }");
  t.line("    }");
  t.line("    lldp {");
  t.line("        interface all;");
  t.line("    }");
  t.line("}");
  t.line("policy-options {");
  t.line("    prefix-list MGMT {");
  t.line("        10.0.0.0/8;");
  t.line("        ", slot_host(f, 2, 20), "/32;");
  t.line("    }");
  t.line("}");
  t.line("firewall {");
  t.line("    family inet {");
  t.line("        filter PROTECT-RE {");
  t.line("            term ALLOW-SSH {");
  t.line("                from {");
  t.line("                    source-prefix-list {");
  t.line("                        MGMT;");
  t.line("                    }");
  t.line("                    protocol tcp;");
  t.line("                    destination-port ssh;");
  t.line("                }");
  t.line("                then accept;");
  t.line("            }");
  const std::size_t fill = filler_entries(t.size(), f.target, 700, 250);
  for (std::size_t i = 0; i < fill; ++i) {
    const auto h = rng.next();
    t.line("            term SRV-", i + 1, " {");
    t.line("                from {");
    t.line("                    source-address {");
    t.line("                        ",
           ip(10, static_cast<std::uint32_t>(h % 250), static_cast<std::uint32_t>((h >> 8) % 250), 0), "/24;");
    t.line("                    }");
    t.line("                    destination-port ", 1024 + (h >> 32) % 60000, ";");
    t.line("                }");
    t.line("                then accept;");
    t.line("            }");
  }
  t.line("            term DENY {");
  t.line("                then {");
  t.line("                    syslog;");
  t.line("                    discard;");
  t.line("                }");
  t.line("            }");
  t.line("        }");
  t.line("    }");
  t.line("}");
  t.line("vlans {");
  for (std::size_t i = 0; i < f.vlans.size(); ++i) {
    t.line("    v", f.vlans[i], " {");
    t.line("        description \"", vlan_name(f, i), "\";");
    t.line("        vlan-id ", f.vlans[i], ";");
    t.line("        l3-interface irb.", f.vlans[i], ";");
    t.line("    }");
  }
  t.line("}");
  g.output = t.take();
  g.secrets = {root_hash, f.sha512_admin, tacplus, bgp, f.snmp_community};
  return g;
}

class JuniperJunos final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string& user, bool) const override {
    return user + "@" + host + "> ";
  }
  std::string banner(const std::string&) const override {
    return "Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n--- JUNOS 21.4R3-S3.4 Kernel 64-bit  "
           "JNPR-12.1-20221020.2e4f0a3_buil\n";
  }
  std::string more_prompt(std::size_t percent) const override {
    std::string p = "---(more ";
    p.append(std::to_string(percent)).append("%)---");
    return p;
  }
  std::string config_command() const override { return "show configuration"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string& host, const std::string& uptime) const override {
    std::string v = "Hostname: " + host + "\nModel: ex4300-48t\nJunos: 21.4R3-S3.4\n";
    v.append("System uptime: ").append(uptime).append("\n");
    return v;
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    shell.blank_line_before_prompt();
    const std::string& w0 = command.arg(0);
    const auto& arg = [&command](std::size_t i) -> const std::string& { return command.arg(i); };
    int n = 0;
    if (is(w0, "exit", 3) || is(w0, "quit", 1)) {
      shell.close_session();
    } else if (is(w0, "set", 3) && is(arg(1), "cli", 3) &&
               (is(arg(2), "screen-length", 8) || is(arg(2), "screen-width", 8))) {
      if (command.size() < 4 || !parse_count(arg(3), n) || n > 100000) {
        shell.invalid_at(command, 3, "syntax error, expecting <number>.");
        return;
      }
      if (is(arg(2), "screen-length", 8)) {
        shell.set_terminal_length(n);
        shell.print("Screen length set to ");
      } else {
        shell.print("Screen width set to ");
      }
      shell.print(std::to_string(n));
      shell.print("\n");
      shell.done();
    } else if (is(w0, "show", 2) && is(arg(1), "configuration", 4)) {
      shell.show_config(command.no_more);
    } else if (is(w0, "show", 2) && is(arg(1), "version", 3)) {
      shell.show_version();
    } else if (is(w0, "show", 2) || is(w0, "set", 3)) {
      shell.invalid_at(command, w0 == "set" && is(arg(1), "cli", 3) ? 2 : 1, "syntax error, expecting <command>.");
    } else {
      shell.invalid_at(command, 0, "unknown command.");
    }
  }
};

}  // namespace

const PlatformSim& juniper_junos() {
  static const JuniperJunos platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
