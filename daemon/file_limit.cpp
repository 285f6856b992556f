#include "daemon/file_limit.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>

namespace nbsync::daemon {
namespace {

// Descriptors outside the sessions: SQLite (database, WAL and shm per connection, a few
// connections), libcurl, the metrics listener, the journal, the standard streams.
constexpr long k_reserve = 64;
// Per worker: its SSH socket, and one spare for the moment a retry's new socket opens
// before the old one is closed.
constexpr long k_per_worker = 2;
// Through a jump host the session's socket is one end of a socketpair whose other end the
// bastion connection's pump holds.
constexpr long k_per_tunnelled_worker = 3;

}  // namespace

long raise_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 1024;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : static_cast<long>(limit.rlim_cur);
}

int workers_within(int workers, long file_limit, bool tunnels) {
  const long fit = (file_limit - k_reserve) / (tunnels ? k_per_tunnelled_worker : k_per_worker);
  return static_cast<int>(std::clamp<long>(fit, 1, std::max(1, workers)));
}

int fit_workers_to_file_limit(int workers, bool tunnels) {
  const long limit = raise_file_limit();
  const int fitted = workers_within(workers, limit, tunnels);
  if (fitted < workers) {
    spdlog::warn(
        "ssh.workers = {} needs about {} file descriptors but nbsync may open {} (RLIMIT_NOFILE); using {} "
        "workers (raise LimitNOFILE= in the unit, or ulimit -n)",
        workers, k_reserve + (tunnels ? k_per_tunnelled_worker : k_per_worker) * workers, limit, fitted);
  }
  return fitted;
}

}  // namespace nbsync::daemon
