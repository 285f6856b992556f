#pragma once
// One worker process of the device lab: it owns the listening sockets of a slice of the
// devices (at most ~17,000: the open-file limit is 20,000 per process) and serves SSH on
// them with libssh's server API from a single thread: the control socket, the listeners and
// every session's socket sit in one epoll set, the loop's only wait, so a loop turn costs
// what it serves, not the number of live sessions. The parent talks to it over a SOCK_SEQPACKET socketpair, one JSON
// message per request and one per reply (ops: upsert, remove, stats, stop).
#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/devices/detail/site_aaa.hpp"
#include "lab/devices/faults.hpp"
#include "lab/devices/host_keys.hpp"
#include "lab/devices/timing.hpp"

namespace nbsync::lab::detail {

struct WorkerDevice {
  std::int64_t id = 0;
  std::string hostname;
  Platform platform = Platform::generic;
  std::uint32_t ipv4 = 0;
  std::uint32_t only_from = 0;  // nonzero: the listener drops packets from other sources
  std::uint32_t version = 0;
  std::uint32_t key_generation = 0;
  std::uint32_t secret_generation = 0;
  std::uint32_t faults = 0;
  bool keyboard_interactive_only = false;
  DeviceTiming timing;
  std::uint32_t site = 0;            // the site's index in the DeviceLab (counters, AAA)
  double aaa_logins_per_second = 0;  // the site's AAA rate (every worker queues at it); 0: no limit
};

nlohmann::json to_json(const WorkerDevice& device);
WorkerDevice worker_device_from_json(const nlohmann::json& j);

struct WorkerSettings {
  std::uint64_t seed = 0;
  std::uint16_t port = 0;
  std::string user;
  std::string password;
  std::string enable_secret;
  std::string authorized_key;  // "ssh-ed25519 AAAA..." (type and base64), empty = no public-key auth
  KeyBytes host_key_secret{};
  std::time_t boot_time = 0;
  std::size_t trickle_bytes = 256;  // per tick, for the trickle fault
  int trickle_interval_ms = 100;
  SiteAaaTurns* aaa_turns = nullptr;  // in memory shared by every worker (site_aaa.hpp); none: no AAA queue
};

// Runs in the forked child; never returns. Replies {"ready":true} or
// {"ready":false,"error":"...","errno":N} on control_fd once its listeners are bound.
// `parent` is the pid of the process that forked it: the worker dies with it.
[[noreturn]] void run_worker(const WorkerSettings& settings, std::vector<WorkerDevice> devices, int control_fd,
                             pid_t parent);

}  // namespace nbsync::lab::detail
