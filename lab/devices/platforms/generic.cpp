// Anything the lab does not simulate (cisco-wlc, opengear, no platform): a Linux-like
// shell, "user@name:~$ ", that knows "cat /etc/config" and "uname".
#include <ctime>
#include <string>

#include "lab/devices/device_shell.hpp"
#include "lab/devices/platforms/platform.hpp"

namespace nbsync::lab::platforms {
namespace {

using namespace config_parts;

GeneratedConfig render(const ConfigRequest& r, const Facts& f) {
  GeneratedConfig g;
  Text t(4096);
  t.line("# ", f.hostname, " configuration, version ", r.version);
  t.line("hostname=", f.hostname);
  t.line("snmp_community=", f.snmp_community);
  t.line("ntp_server=10.0.", f.site % 8, ".123");
  t.line("syslog_server=", slot_host(f, 5, 30));
  t.line("location=", location(f));
  g.output = t.take();
  g.secrets = {f.snmp_community};
  return g;
}

class Generic final : public PlatformSim {
public:
  std::string prompt(const std::string& host, const std::string& user, bool) const override {
    return user + "@" + host + ":~$ ";
  }
  std::string banner(const std::string&) const override {
    return "Last login: Mon Nov 23 21:14:02 2026 from 10.0.0.10\n";
  }
  std::string config_command() const override { return "cat /etc/config"; }
  GeneratedConfig config(const ConfigRequest& request, const Facts& facts) const override {
    return render(request, facts);
  }
  std::string version(const std::string&, const std::string& uptime) const override {
    return "uptime " + uptime + "\n";
  }

  void execute(DeviceShell& shell, const CommandLine& command) const override {
    const std::string& w0 = command.arg(0);
    if (w0 == "exit" || w0 == "logout") {
      shell.close_session();
    } else if (command.raw == config_command()) {
      shell.show_config(true);
    } else if (w0 == "uname") {
      shell.print("Linux " + shell.options().hostname + " 5.10.0-26-amd64 #1 SMP Debian 5.10.197-1 x86_64 GNU/Linux\n");
      shell.done();
    } else {
      shell.fail("-sh: " + w0 + ": not found\n", 127);
    }
  }
};

}  // namespace

const PlatformSim& generic() {
  static const Generic platform;
  return platform;
}

}  // namespace nbsync::lab::platforms
