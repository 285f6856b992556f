#pragma once
// The lab's fleet of simulated SSH devices. DeviceLab forks worker processes (each serves
// at most `devices_per_worker` addresses with one single-threaded libssh event loop; the
// open-file limit of 20,000 per process is why there are several) and keeps the
// authoritative per-device state (config version, faults, host-key generation) in this
// process; workers get copies over a socketpair. Construct it before this process starts
// any thread. All other members are thread-safe.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/devices/config_generator.hpp"
#include "lab/devices/faults.hpp"

namespace CLI {
class App;
}
namespace httplib {
class Server;
}

namespace nbsync::lab {

struct SimulatedDevice {
  std::int64_t id = 0;          // NetBox id
  std::string name;             // may be empty: the device's hostname is then "device-<id>"
  std::string platform;         // NetBox platform slug; unknown slugs get a Linux-like shell
  std::uint32_t ipv4 = 0;       // host byte order, 127.0.0.0/8, distinct; 0 = not served
  std::uint32_t only_from = 0;  // nonzero: a firewall drops connections from any other address (its bastion)
  std::string site{};           // NetBox site slug: devices of a site share its AAA server
};

struct DeviceLabOptions {
  std::uint64_t seed = 1;
  std::uint16_t ssh_port = 2222;    // 0: a free port, the same on every address
  std::filesystem::path state_dir;  // empty: host keys derived from the seed, nothing saved
  std::string user = "netops";
  std::string password = "lab-password";
  std::string enable_secret = "lab-enable-secret";
  std::string authorized_key_file;           // an OpenSSH public key file; empty: no public-key auth
  std::string lab_config_file;               // TOML, [ssh] table; the command line wins over it
  std::string faults;                        // fault mix, e.g. "refuse=0.01,trickle=0.005"
  std::string timing = "none";               // none, realistic or a TOML file (timing.hpp)
  double keyboard_interactive_share = 0.03;  // devices that accept only keyboard-interactive
  double aaa_logins_per_second = 0;          // every site's AAA rate; 0: the timing's (none: no limit)
  // --aaa-site SLUG=R: one site's AAA rate, over the one above (a site whose TACACS+ server
  // is overloaded while the others are not).
  std::map<std::string, double> aaa_site_rates;
  double change_rate = 0.0;    // share of devices given a new config version ...
  double change_every = 60.0;  // ... every this many seconds
  std::size_t devices_per_worker = 15000;
  // Filled by add_device_lab_options: the options given on the command line.
  std::set<std::string> set_on_command_line;
};

// Registers --ssh-port, --user, --password, --enable-secret, --authorized-key, --lab-config,
// --faults, --timing, --aaa-logins-per-second, --aaa-site, --keyboard-interactive-share, --change-rate, --change-every
// (defaults shown in
// --help). The caller sets options.seed and options.state_dir itself.
void add_device_lab_options(CLI::App& app, DeviceLabOptions& options);

class DeviceLab {
public:
  // Starts serving `devices` (those with ipv4 != 0). Throws std::runtime_error with one
  // clear line when the options are invalid or the listeners cannot be bound.
  DeviceLab(DeviceLabOptions options, const std::vector<SimulatedDevice>& devices);
  ~DeviceLab();  // stops and reaps every worker
  DeviceLab(const DeviceLab&) = delete;
  DeviceLab& operator=(const DeviceLab&) = delete;

  std::uint16_t ssh_port() const;
  std::size_t device_count() const;

  // Adds or updates a device (same id: new name/platform/address). Throws
  // std::invalid_argument for a bad device, std::runtime_error when no worker can take it.
  void add_device(const SimulatedDevice& device);
  void remove_device(std::int64_t id);  // unknown ids are ignored

  // Control, also reachable over HTTP (register_routes). Unknown ids throw std::out_of_range.
  nlohmann::json device_state(std::int64_t id) const;
  std::uint32_t new_config_version(std::int64_t id);  // returns the new version
  void set_faults(std::int64_t id, std::uint32_t mask);
  std::uint32_t faults(std::int64_t id) const;
  // The waits the device's timing model gave it (all zero under --timing none).
  nlohmann::json timing(std::int64_t id) const;
  std::string rotate_host_key(std::int64_t id);  // returns the new fingerprint
  // New values for every secret in the device's config (passwords, keys, communities), as
  // an operator's password rotation does; the rest of the config stays as it is.
  void rotate_secrets(std::int64_t id);
  void set_keyboard_interactive_only(std::int64_t id, bool only);
  // The config the device prints right now (volatile lines as of this call).
  GeneratedConfig current_config(std::int64_t id) const;
  // Per-worker counters: logins, sessions, CPU, RSS.
  nlohmann::json stats() const;
  // What the lab made the sessions that read a config wait since the last reset_timing
  // (sum, slowest, by platform), plus the model's name and the vty counters.
  nlohmann::json timing_report() const;
  void reset_timing();
  // Session and login counters since the last reset_counters: peak concurrent sessions per
  // device (those that had more than one) and per site, and per site its logins, AAA waits
  // and AAA timeouts (GET /lab/counters shows them under "ssh"); with `by_device`, also the
  // sessions each device had (GET /lab/counters?by_device=1: "sessions_by_device", id -> count).
  nlohmann::json counters(bool by_device = false) const;
  void reset_counters();

  // GET/POST /lab/devices/{id}/ssh, GET/POST /lab/devices/{id}/config,
  // GET/POST/DELETE /lab/devices/{id}/faults, POST /lab/devices/{id}/host-key/rotate,
  // GET /lab/devices/{id}/timing, GET/DELETE /lab/timing, GET /lab/ssh. JSON in and out; errors are 400/404 with
  // {"detail": "..."}.
  void register_routes(httplib::Server& server);

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

}  // namespace nbsync::lab
