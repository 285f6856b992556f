#pragma once
// The lab's SSH jump hosts (bastions): one forked worker process serves every bastion of a
// BastionPlan on its own 127.253.0.x address, with its own user, password and ed25519 host
// key. A bastion allows only `direct-tcpip` channels (what `ssh -J` / `ssh -W` opens) to a
// lab device address on the devices' SSH port, or to a bastion behind it on the bastions'
// port; it opens that TCP connection from its own address and pipes both ways from one
// non-blocking event loop. Everything else (session channels: shells, exec; other
// destinations) is refused with SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, as OpenSSH's sshd does
// when forwarding is not permitted. Construct it before this process starts any thread (it
// forks); the other members are thread-safe. FAULTS.md ("Bastion faults") lists the faults.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/devices/bastions.hpp"
#include "lab/devices/device_lab.hpp"

namespace CLI {
class App;
}
namespace httplib {
class Server;
}

namespace nbsync::lab {

enum class BastionFault : std::uint32_t {
  refuse = 1U << 0,              // no listener: TCP connection refused
  hang = 1U << 1,                // TCP accepted, SSH banner never sent
  auth_failure = 1U << 2,        // every credential is rejected
  forwarding_refused = 1U << 3,  // logs in, refuses every direct-tcpip channel
  hang_forward = 1U << 4,        // logs in, never answers a direct-tcpip channel open
  host_key_rotated = 1U << 5,    // presents another host key than its published one
};

const std::vector<BastionFault>& all_bastion_faults();
std::string_view bastion_fault_name(BastionFault f);
std::optional<BastionFault> parse_bastion_fault(std::string_view name);
std::vector<std::string> bastion_fault_names(std::uint32_t mask);

struct BastionOptions {
  double site_share = 0.0;  // --bastion-sites: share of the sites behind a bastion; 0 = no bastions
  std::string user = "jumpops";
  std::string password = "jump-password";
  // Taken from the device lab (use_device_lab):
  std::uint64_t seed = 1;
  std::filesystem::path state_dir;  // host key secret as the devices' (state_dir/ssh-host-key-secret)
  std::string authorized_key_file;  // OpenSSH public key also accepted by the bastions
  std::uint16_t port = 0;           // the devices' SSH port: bastions listen on it too when free
  bool port_may_move = true;        // when taken on a bastion address, pick another free port

  // Seed, state directory, authorized key and port as the device lab has them.
  void use_device_lab(const DeviceLabOptions& device_options, std::uint16_t device_port);
};

// --bastion-sites, --bastion-user, --bastion-password.
void add_bastion_options(CLI::App& app, BastionOptions& options);

class BastionServer {
public:
  // `devices`: what the device lab serves (their addresses are the forwarding targets). With
  // an empty plan nothing is forked and the routes list no bastions. Throws
  // std::runtime_error with one line when a listener cannot be bound.
  BastionServer(BastionOptions options, BastionPlan plan, const std::vector<SimulatedDevice>& devices);
  ~BastionServer();
  BastionServer(const BastionServer&) = delete;
  BastionServer& operator=(const BastionServer&) = delete;

  std::uint16_t port() const;
  const BastionPlan& plan() const;
  // A device was added or changed (address 0: no longer served) or removed, after start:
  // the bastions forward to the addresses served now. Thread-safe.
  void device_changed(std::int64_t id, std::uint32_t address);
  void device_removed(std::int64_t id) { device_changed(id, 0); }

  nlohmann::json list() const;                          // every bastion's public entry
  nlohmann::json state(const std::string& name) const;  // entry plus counters; std::out_of_range
  void set_faults(const std::string& name, std::uint32_t mask);
  std::uint32_t faults(const std::string& name) const;
  // Cuts every connection the bastion holds, tunnels and all, without an SSH goodbye (a
  // reboot, a firewall's idle timeout); it takes new ones at once. Returns how many.
  int drop_connections(const std::string& name);

  // GET /lab/bastions, GET /lab/bastions/{name}, GET/POST/DELETE /lab/bastions/{name}/faults,
  // POST /lab/bastions/{name}/drop.
  void register_routes(httplib::Server& server);

private:
  struct Impl;
  std::unique_ptr<Impl> m;
};

}  // namespace nbsync::lab
