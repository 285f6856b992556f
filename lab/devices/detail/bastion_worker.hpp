#pragma once
// The worker process behind BastionServer: every bastion's listener, SSH sessions and
// forwarded TCP connections in one single-threaded libssh event loop. Listeners and the
// forwarded sockets sit in one epoll set that is itself one fd of the ssh_event (as in the
// device workers). The parent talks to it over a SOCK_SEQPACKET socketpair, one JSON message
// per request and per reply (ops: faults, addresses, stats, stop).
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lab/devices/host_keys.hpp"

namespace nbsync::lab::detail {

struct WorkerBastion {
  std::string name;
  std::uint32_t ipv4 = 0;
  std::uint32_t only_from = 0;  // the bastion in front of it (its listener drops the rest); 0: none
  std::uint32_t faults = 0;     // BastionFault bits
};

struct BastionWorkerSettings {
  std::uint16_t port = 0;         // every bastion's SSH port
  std::uint16_t device_port = 0;  // the devices' SSH port: the only one forwarded to devices
  std::string user;
  std::string password;
  std::string authorized_key_file;  // empty: no public-key auth
  KeyBytes host_key_secret{};
  std::vector<WorkerBastion> bastions;
  std::vector<std::uint32_t> device_addresses;
};

// The id bastion `index`'s host key is derived with (devices use their positive NetBox ids).
inline std::int64_t bastion_key_id(int index) {
  return -1 - static_cast<std::int64_t>(index);
}

// Runs in the forked child; never returns. Replies {"ready":true} or
// {"ready":false,"error":"...","errno":N} on control_fd once its listeners are bound.
[[noreturn]] void run_bastion_worker(const BastionWorkerSettings& settings, int control_fd, pid_t parent);

}  // namespace nbsync::lab::detail
